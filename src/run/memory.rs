//! How the process's heap is kept near what it holds. glibc's allocator is the one secdash
//! runs on; both calls do nothing elsewhere.

/// One heap arena for the whole process. glibc gives each thread that allocates its own arena
/// (up to eight per core), and a fetch task's data is built on one worker while its temporary
/// buffers are freed on another: each arena keeps its own holes, and the resident size with
/// 100,000 rules loaded was 4 MB above what one arena holds (BENCHMARKS.md, "Memory"). Three
/// threads allocate (the UI and two workers), and none allocates in a loop that would wait on
/// the arena's lock. Called before any thread starts.
pub fn one_heap_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no thread allocates yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Gives the heap's free memory back to the system. glibc keeps what was freed: after 100,000
/// rules are replaced by a refresh, the resident size would stay at the peak of the two copies.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

//! How the process's heap is kept near what it holds. glibc's allocator is the one secdash
//! runs on; this does nothing elsewhere.
//!
//! One heap arena for the whole process (`M_ARENA_MAX` 1) was tried and is not used: the
//! fetchers of the panes and the checklist, running at once on one arena, interleave what
//! they keep with what they free, and the resident size with 100,000 rules loaded was 3–4 MB
//! above glibc's default of an arena per thread (BENCHMARKS.md, "Where the memory goes").

/// Large blocks (128 KB and up: a page of 1,000 rules being read, the filter's matches over
/// 100,000 rows, the maps that share texts) get pages of their own, which go back to the system
/// when freed. glibc starts there but raises the bar up to 32 MB after the first such block is
/// freed; the blocks then come from the heap, and each one freed while data that stays was
/// made after it leaves a hole: 2 MB of the resident size with 100,000 rules loaded
/// (BENCHMARKS.md, "Where the memory goes"). Called before any thread starts.
pub fn large_blocks_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no thread allocates yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
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

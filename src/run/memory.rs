//! How the process's heap is kept near what it holds. glibc's allocator is the one secdash
//! runs on; this does nothing elsewhere.
//!
//! One heap arena for the whole process (`M_ARENA_MAX` 1) was tried and is not used: the
//! fetchers of the panes and the checklist, running at once on one arena, interleave what
//! they keep with what they free, and the resident size with 100,000 rules loaded was 3–4 MB
//! above glibc's default of an arena per thread (BENCHMARKS.md, "Where the memory goes").

/// Gives the heap's free memory back to the system. glibc keeps what was freed: after 100,000
/// rules are replaced by a refresh, the resident size would stay at the peak of the two copies.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

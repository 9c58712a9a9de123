//! The binary's allocator: the system's, except that on Linux every block of 4 MiB or more
//! is marked for transparent huge pages (`madvise(MADV_HUGEPAGE)`), so the columns of a big
//! load are touched 2 MiB at a time rather than 4 KiB at a time.
//!
//! Why hand-written: Linux gives huge pages only to memory marked so (the common
//! `transparent_hugepage=madvise` setting), glibc marks its blocks only when its tunable
//! `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` is set before the process starts, and the
//! allocators that mark them (mimalloc) kept 25 % more memory at the peak. Measured on the
//! 5M-deal load (`dealgraph --timings validate`, `/usr/bin/time`): one core 1.80 → 1.51 s,
//! two cores 0.93 → 0.85 s, peak RSS 391 → 396 MB; the page faults were 10 % of a one-core
//! load (`perf`), each zeroing and mapping 4 KiB. mimalloc with its huge pages was as fast
//! at 498–515 MB. See docs/PERFORMANCE.md.

use std::alloc::{GlobalAlloc, Layout, System};

/// [`System`], with large blocks marked for huge pages.
pub struct HugeBlocks;

/// Blocks of at least this many bytes are marked.
#[cfg(target_os = "linux")]
const LARGE: usize = 4 << 20;

/// The huge page size on x86-64 and on 4 KiB-page ARM: the part of a block marked starts
/// and ends on it, so only whole huge pages of the block are marked (a mark on a part of a
/// block could otherwise reach memory of another block).
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// Marks the whole huge pages inside the block of `size` bytes at `ptr`, if it is large.
#[inline]
fn mark(ptr: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= LARGE && !ptr.is_null() {
        let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
        let end = (ptr as usize + size) / HUGE_PAGE * HUGE_PAGE;
        if end > start {
            // SAFETY: the range lies inside a block the allocator has just handed out, on
            // page boundaries; MADV_HUGEPAGE changes how the kernel backs those pages, never
            // their contents, and a failure (no THP in this kernel) leaves them as they were.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, size);
}

// SAFETY: every call is passed on to `System` unchanged, with the same layout; `mark` only
// advises the kernel about pages of the block returned.
unsafe impl GlobalAlloc for HugeBlocks {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc`, passed on.
        let ptr = unsafe { System.alloc(layout) };
        mark(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc_zeroed`, passed on.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        mark(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc`, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc`, passed on.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        mark(new, new_size);
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_large_and_small_keep_what_is_written() {
        for size in [16, 1 << 20, 5 << 20, 9 << 20] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            // SAFETY: a non-zero layout; the block is written within its size and freed
            // with the layout it was given.
            unsafe {
                let ptr = HugeBlocks.alloc_zeroed(layout);
                assert!(!ptr.is_null());
                assert_eq!(*ptr.add(size - 1), 0);
                ptr.write_bytes(7, size);
                let grown = HugeBlocks.realloc(ptr, layout, size * 2);
                assert_eq!((*grown, *grown.add(size - 1)), (7, 7));
                HugeBlocks.dealloc(grown, Layout::from_size_align(size * 2, 8).unwrap());
            }
        }
    }
}

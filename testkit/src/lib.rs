//! Test support shared by the wirestate crates.
//!
//! [`CountingAllocator`] proves "parsing allocates nothing": a test installs it as the
//! global allocator and reads [`allocations`] before and after the work.
//!
//! ```ignore
//! #[global_allocator]
//! static GLOBAL: wirestate_testkit::CountingAllocator = wirestate_testkit::CountingAllocator;
//!
//! let before = wirestate_testkit::allocations();
//! parse_everything();
//! assert_eq!(wirestate_testkit::allocations(), before);
//! ```
#![deny(missing_docs)]

pub mod smuggling;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

/// A global allocator that forwards to the system allocator and counts allocations.
pub struct CountingAllocator;

/// How many allocations (and reallocations) the process has made so far through
/// [`CountingAllocator`].
pub fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::SeqCst)
}

// SAFETY: every method forwards to `System` with the caller's own arguments, so the
// caller's obligations under `GlobalAlloc` are passed on unchanged; counting is a
// side effect that touches no memory the allocator hands out.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller upholds `alloc`'s contract for `layout`.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller upholds `realloc`'s contract for `ptr`, `layout`, `new_size`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

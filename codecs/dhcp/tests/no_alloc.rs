//! Parsing allocates nothing: every vector is parsed and walked, long options
//! joined into a stack buffer, under a counting global allocator.
#![allow(clippy::unwrap_used, reason = "test code")]

mod common;

#[global_allocator]
static GLOBAL: wirestate_testkit::CountingAllocator = wirestate_testkit::CountingAllocator;

#[test]
fn parsing_the_vectors_allocates_nothing() {
    let vectors = common::vectors();
    let before = wirestate_testkit::allocations();
    let mut walked = 0;
    for (_, bytes) in &vectors {
        walked += common::drain::drain(bytes).unwrap_or(1);
    }
    assert_eq!(wirestate_testkit::allocations() - before, 0);
    assert!(walked > 0);
}

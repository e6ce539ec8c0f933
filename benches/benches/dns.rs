//! Placeholder until the dns bench lands.
#![allow(missing_docs)]
fn main() {}

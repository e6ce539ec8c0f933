//! A whole frame sliced through every layer in one pass, and a layered builder.
#![no_std]
#![forbid(unsafe_code)]

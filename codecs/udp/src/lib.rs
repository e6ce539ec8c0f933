//! UDP datagrams (RFC 768) with pseudo-header checksums.
#![no_std]
#![forbid(unsafe_code)]

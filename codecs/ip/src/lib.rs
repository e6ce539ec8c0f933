//! IPv4 (RFC 791) with options and IPv6 (RFC 8200) with extension headers.
#![no_std]
#![forbid(unsafe_code)]

//! TCP segment headers and options (RFC 9293, RFC 7323, RFC 2018).
#![no_std]
#![forbid(unsafe_code)]

//! ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) with neighbour discovery (RFC 4861).
#![no_std]
#![forbid(unsafe_code)]

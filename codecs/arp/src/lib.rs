//! ARP (RFC 826) for Ethernet and IPv4: requests, replies, gratuitous ARP.
#![no_std]
#![forbid(unsafe_code)]

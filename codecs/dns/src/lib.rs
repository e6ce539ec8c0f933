//! DNS messages (RFC 1035 and successors): names with compression, records, EDNS(0), a compressing builder, presentation format.
#![no_std]
#![forbid(unsafe_code)]

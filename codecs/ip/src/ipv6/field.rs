//! Byte offsets of the fixed IPv6 header fields (RFC 8200 §3).

/// Version (4 bits), traffic class (8 bits) and flow label (20 bits).
pub const VER_TC_FLOW: usize = 0;
/// Payload length: the bytes after this 40-byte header, extension headers included.
pub const PAYLOAD_LEN: usize = 4;
/// Next header: the first extension header or the upper-layer protocol.
pub const NEXT_HEADER: usize = 6;
/// Hop limit.
pub const HOP_LIMIT: usize = 7;
/// Source address.
pub const SRC_ADDR: usize = 8;
/// Destination address.
pub const DST_ADDR: usize = 24;
/// Length of the fixed header; the payload starts here.
pub const HEADER_LEN: usize = 40;

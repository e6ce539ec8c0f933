//! Byte offsets of the IPv4 header fields (RFC 791 §3.1).

/// Version (high nibble) and IHL (low nibble, in 32-bit words).
pub const VER_IHL: usize = 0;
/// DSCP (high six bits, RFC 2474) and ECN (low two bits, RFC 3168).
pub const DSCP_ECN: usize = 1;
/// Total length of the datagram in bytes, header included.
pub const TOTAL_LEN: usize = 2;
/// Identification, shared by the fragments of one datagram.
pub const IDENT: usize = 4;
/// Flags (high three bits) and fragment offset (low 13 bits, in 8-byte units).
pub const FLAGS_FRAG: usize = 6;
/// Time to live.
pub const TTL: usize = 8;
/// Protocol of the payload.
pub const PROTOCOL: usize = 9;
/// Header checksum.
pub const CHECKSUM: usize = 10;
/// Source address.
pub const SRC_ADDR: usize = 12;
/// Destination address.
pub const DST_ADDR: usize = 16;
/// Start of the options area.
pub const OPTIONS: usize = 20;
/// Length of the header without options.
pub const HEADER_LEN: usize = 20;
/// Largest header: IHL 15.
pub const MAX_HEADER_LEN: usize = 60;
/// Largest options area.
pub const MAX_OPTIONS_LEN: usize = MAX_HEADER_LEN - HEADER_LEN;

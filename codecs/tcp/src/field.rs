//! Offsets of the fixed TCP header fields (RFC 9293 §3.1), from the start of the header.

use core::ops::Range;

/// Source port.
pub const SRC_PORT: usize = 0;
/// Destination port.
pub const DST_PORT: usize = 2;
/// Sequence number.
pub const SEQ_NUM: usize = 4;
/// Acknowledgment number.
pub const ACK_NUM: usize = 8;
/// Data offset (high nibble), the three reserved bits and NS (low nibble).
pub const DATA_OFFSET: usize = 12;
/// The control bits: NS in the low bit of byte 12, the other eight in byte 13.
pub const FLAGS: Range<usize> = 12..14;
/// Window.
pub const WINDOW: usize = 14;
/// Checksum.
pub const CHECKSUM: usize = 16;
/// Urgent pointer.
pub const URGENT: usize = 18;
/// Where the options start (and the fixed header ends).
pub const OPTIONS: usize = 20;

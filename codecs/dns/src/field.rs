//! Offsets and bits of the fixed DNS header (RFC 1035 §4.1.1), from the start of
//! the message.

/// ID.
pub const ID: usize = 0;
/// QR, OPCODE, AA, TC, RD.
pub const FLAGS_HI: usize = 2;
/// RA, Z, AD, CD, RCODE.
pub const FLAGS_LO: usize = 3;
/// QDCOUNT.
pub const QDCOUNT: usize = 4;
/// ANCOUNT.
pub const ANCOUNT: usize = 6;
/// NSCOUNT.
pub const NSCOUNT: usize = 8;
/// ARCOUNT.
pub const ARCOUNT: usize = 10;
/// Where the question section starts (and the header ends).
pub const QUESTIONS: usize = 12;

/// QR in byte 2: this is a response.
pub const QR: u8 = 0x80;
/// OPCODE in byte 2 (bits 3..=6).
pub const OPCODE_MASK: u8 = 0x78;
/// AA in byte 2: authoritative answer.
pub const AA: u8 = 0x04;
/// TC in byte 2: truncated.
pub const TC: u8 = 0x02;
/// RD in byte 2: recursion desired.
pub const RD: u8 = 0x01;
/// RA in byte 3: recursion available.
pub const RA: u8 = 0x80;
/// Z in byte 3: reserved, zero (RFC 1035 §4.1.1).
pub const Z: u8 = 0x40;
/// AD in byte 3: authentic data (RFC 4035 §3.2.3).
pub const AD: u8 = 0x20;
/// CD in byte 3: checking disabled (RFC 4035 §3.2.2).
pub const CD: u8 = 0x10;
/// RCODE in byte 3 (the low 4 bits of the response code).
pub const RCODE_MASK: u8 = 0x0f;

//! Offsets of the BOOTP fixed header (RFC 2131 §2, figure 1) and the magic cookie.

/// `op`: 1 = BOOTREQUEST, 2 = BOOTREPLY.
pub const OP: usize = 0;
/// `htype`: hardware address type (1 = Ethernet).
pub const HTYPE: usize = 1;
/// `hlen`: hardware address length.
pub const HLEN: usize = 2;
/// `hops`: relay agent hop count.
pub const HOPS: usize = 3;
/// `xid`: transaction id.
pub const XID: usize = 4;
/// `secs`: seconds since the client began acquisition.
pub const SECS: usize = 8;
/// `flags`: the broadcast bit and 15 reserved bits.
pub const FLAGS: usize = 10;
/// `ciaddr`: client IP address.
pub const CIADDR: usize = 12;
/// `yiaddr`: "your" (client) IP address.
pub const YIADDR: usize = 16;
/// `siaddr`: next server IP address.
pub const SIADDR: usize = 20;
/// `giaddr`: relay agent IP address.
pub const GIADDR: usize = 24;
/// `chaddr`: client hardware address, 16 octets.
pub const CHADDR: usize = 28;
/// Length of `chaddr`.
pub const CHADDR_LEN: usize = 16;
/// `sname`: server host name, 64 octets (options when overloaded).
pub const SNAME: usize = 44;
/// Length of `sname`.
pub const SNAME_LEN: usize = 64;
/// `file`: boot file name, 128 octets (options when overloaded).
pub const FILE: usize = 108;
/// Length of `file`.
pub const FILE_LEN: usize = 128;
/// The magic cookie, 99.130.83.99 (RFC 2131 §3).
pub const COOKIE: usize = 236;
/// The first option octet.
pub const OPTIONS: usize = 240;
/// The BOOTP flags' broadcast bit (RFC 2131 §2, figure 2).
pub const BROADCAST: u16 = 0x8000;

//! wirestate: the protocols that carry one web request across the Internet.
//!
//! This umbrella crate re-exports every wirestate crate under one name and hosts
//! the `wirestate` command-line tool.
#![forbid(unsafe_code)]

pub use wirestate_arp as arp;
pub use wirestate_dhcp as dhcp;
pub use wirestate_dns as dns;
pub use wirestate_ethernet as ethernet;
pub use wirestate_http1 as http1;
pub use wirestate_icmp as icmp;
pub use wirestate_ip as ip;
pub use wirestate_packet as packet;
pub use wirestate_tcp as tcp;
pub use wirestate_udp as udp;
pub use wirestate_wire as wire;

pub mod decode;

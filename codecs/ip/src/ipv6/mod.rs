//! IPv6 (RFC 8200): the fixed header, extension headers and their options.
//!
//! - [`Packet`] reads and writes the 40-byte fixed header in place;
//!   [`Packet::new_checked`] also proves `payload_len` bytes are present (trailing
//!   bytes are ignored), [`Packet::new_checked_header`] does not, for the packet an
//!   ICMPv6 error quotes and for truncated captures. [`Repr`] is the fixed header as
//!   a value.
//! - [`ExtHeaders`] walks the extension headers of the payload without allocating:
//!   hop-by-hop (0), routing (43), fragment (44), destination options (60) and AH
//!   (51). It stops at the first other value, which is the upper layer: TCP, UDP,
//!   ICMPv6, but also ESP (50, encrypted, so never walked) and no-next-header (59).
//!   Each [`ExtHeader`] has typed accessors ([`Fragment`], [`Routing`], [`Ah`],
//!   [`Tlvs`] of options).
//! - [`FragmentRepr`] and [`OptionsRepr`] build fragment and hop-by-hop /
//!   destination-options headers.
//!
//! Jumbograms (RFC 2675, `payload_len` 0 and a jumbo option) are not supported: the
//! payload is always `payload_len` bytes; the [`Tlv::Jumbo`] option itself decodes.
//!
//! Error offsets count from the first byte of the IPv6 header; for the extension
//! headers that is their offset in the payload plus 40.

mod ext;
mod ext_repr;
pub mod field;
mod packet;
mod repr;
mod tlv;
mod typed;

pub use ext::{ExtHeader, ExtHeaders, MAX_EXT_HEADERS};
pub use ext_repr::{FragmentRepr, OptionsRepr};
pub use field::HEADER_LEN;
pub use packet::Packet;
pub use repr::Repr;
pub use tlv::{action, may_change, tlv_kind, OptionAction, Tlv, Tlvs};
pub use typed::{Ah, Fragment, Routing};

#[cfg(test)]
mod tests;

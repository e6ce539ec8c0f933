//! The RDATA of the types past the core set (decoded, printed, written):
//! NSEC3PARAM, SPF, RP, AFSDB, KX, CERT, SSHFP, DHCID, TLSA, SMIMEA, CDS, CDNSKEY,
//! OPENPGPKEY, CSYNC, ZONEMD, NID, L32, L64, LP, EUI48, EUI64, URI, AVC and TSIG;
//! every other type is kept as octets (RFC 3597 §5).

use core::fmt;
use core::net::Ipv4Addr;

use wirestate_wire::bytes::read_array;
use wirestate_wire::{Error, Result};

use super::display::write_base64_word;
use super::{CharStrings, Cursor, RData, TypeBitmaps};
use crate::builder::{Builder, Full};
use crate::encoding::{write_base64, write_hex, write_hex_word, write_quoted};
use crate::{Rcode, Type};

type Out = core::result::Result<(), Full>;

const RULE_ZONEMD: &str = "RFC 8976 §2.2.4: the digest is at least 12 octets";

/// The types of this module, by TYPE; anything else is [`RData::Unknown`].
pub(super) fn parse<'a>(c: &mut Cursor<'a>, rtype: Type) -> Result<RData<'a>> {
    Ok(match rtype {
        Type::NSEC3PARAM => RData::Nsec3param {
            hash_algorithm: c.u8("hash_algorithm")?,
            flags: c.u8("flags")?,
            iterations: c.u16("iterations")?,
            salt: c.char_string("salt")?,
        },
        // RFC 3597 §4: receivers SHOULD decompress RP and AFSDB names.
        Type::RP => RData::Rp { mbox: c.name("mbox", true)?, txt: c.name("txt", true)? },
        Type::AFSDB => {
            RData::Afsdb { subtype: c.u16("subtype")?, hostname: c.name("hostname", true)? }
        }
        Type::KX => {
            RData::Kx { preference: c.u16("preference")?, exchanger: c.name("exchanger", false)? }
        }
        Type::CERT => RData::Cert {
            cert_type: c.u16("cert_type")?,
            key_tag: c.u16("key_tag")?,
            algorithm: c.u8("algorithm")?,
            certificate: c.rest(),
        },
        Type::SSHFP => RData::Sshfp {
            algorithm: c.u8("algorithm")?,
            fp_type: c.u8("fp_type")?,
            fingerprint: c.rest(),
        },
        Type::DHCID => RData::Dhcid(c.rest()),
        Type::TLSA | Type::SMIMEA => parse_tlsa(c, rtype)?,
        Type::CDS => RData::Cds {
            key_tag: c.u16("key_tag")?,
            algorithm: c.u8("algorithm")?,
            digest_type: c.u8("digest_type")?,
            digest: c.rest(),
        },
        Type::CDNSKEY => RData::Cdnskey {
            flags: c.u16("flags")?,
            protocol: c.u8("protocol")?,
            algorithm: c.u8("algorithm")?,
            public_key: c.rest(),
        },
        Type::OPENPGPKEY => RData::Openpgpkey(c.rest()),
        Type::CSYNC => {
            let (serial, flags) = (c.u32("serial")?, c.u16("flags")?);
            let at = c.pos;
            RData::Csync { serial, flags, types: TypeBitmaps::parse(c.rest(), at)? }
        }
        Type::ZONEMD => parse_zonemd(c)?,
        Type::NID => RData::Nid { preference: c.u16("preference")?, node_id: u64_field(c)? },
        Type::L32 => {
            let preference = c.u16("preference")?;
            let at = c.take(4, "locator")?;
            RData::L32 { preference, locator: Ipv4Addr::from(read_array::<4>(c.msg, at)) }
        }
        Type::L64 => RData::L64 { preference: c.u16("preference")?, locator: u64_field(c)? },
        // RFC 6742 does not forbid compressing the LP name, and BIND and dnspython
        // compress it: accepted, though never written so (RFC 3597 §4).
        Type::LP => RData::Lp { preference: c.u16("preference")?, fqdn: c.name("fqdn", true)? },
        Type::EUI48 => RData::Eui48(read_array::<6>(c.msg, c.take(6, "rdata")?)),
        Type::EUI64 => RData::Eui64(read_array::<8>(c.msg, c.take(8, "rdata")?)),
        Type::URI => {
            RData::Uri { priority: c.u16("priority")?, weight: c.u16("weight")?, target: c.rest() }
        }
        Type::TSIG => parse_tsig(c)?,
        Type::SPF => RData::Spf(strings(c, "spf")?),
        Type::AVC => RData::Avc(strings(c, "avc")?),
        _ => RData::Unknown { rtype, data: c.rest() },
    })
}

/// TXT's layout: one or more character-strings (RFC 1035 §3.3.14).
fn strings<'a>(c: &mut Cursor<'a>, field: &'static str) -> Result<CharStrings<'a>> {
    let at = c.pos;
    let data = c.rest();
    if data.is_empty() {
        return Err(Error::malformed(field, at, super::RULE_TXT_EMPTY));
    }
    CharStrings::parse(data, at, field)
}

fn u64_field(c: &mut Cursor<'_>) -> Result<u64> {
    let at = c.take(8, "locator")?;
    Ok(u64::from_be_bytes(read_array::<8>(c.msg, at)))
}

fn parse_tlsa<'a>(c: &mut Cursor<'a>, rtype: Type) -> Result<RData<'a>> {
    let (usage, selector) = (c.u8("usage")?, c.u8("selector")?);
    let matching_type = c.u8("matching_type")?;
    let data = c.rest();
    Ok(if rtype == Type::SMIMEA {
        RData::Smimea { usage, selector, matching_type, data }
    } else {
        RData::Tlsa { usage, selector, matching_type, data }
    })
}

fn parse_zonemd<'a>(c: &mut Cursor<'a>) -> Result<RData<'a>> {
    let serial = c.u32("serial")?;
    let (scheme, algorithm) = (c.u8("scheme")?, c.u8("algorithm")?);
    let at = c.pos;
    let digest = c.rest();
    if digest.len() < 12 {
        return Err(Error::malformed("digest", at, RULE_ZONEMD));
    }
    Ok(RData::Zonemd { serial, scheme, algorithm, digest })
}

fn parse_tsig<'a>(c: &mut Cursor<'a>) -> Result<RData<'a>> {
    let algorithm = c.name("algorithm", false)?;
    let high = c.u16("time_signed")?;
    let time_signed = u64::from(high) << 32 | u64::from(c.u32("time_signed")?);
    let fudge = c.u16("fudge")?;
    let mac_size = c.u16("mac_size")?;
    let mac = c.bytes(usize::from(mac_size), "mac")?;
    let original_id = c.u16("original_id")?;
    let error = Rcode(c.u16("error")?);
    let other_len = c.u16("other_len")?;
    let other = c.bytes(usize::from(other_len), "other")?;
    Ok(RData::Tsig { algorithm, time_signed, fudge, mac, original_id, error, other })
}

/// CERT certificate types (RFC 4398 §2.1) by mnemonic, as dig and dnspython print them.
pub(crate) const CERT_TYPES: &[(u16, &str)] = &[
    (1, "PKIX"),
    (2, "SPKI"),
    (3, "PGP"),
    (4, "IPKIX"),
    (5, "ISPKI"),
    (6, "IPGP"),
    (7, "ACPKIX"),
    (8, "IACPKIX"),
    (253, "URI"),
    (254, "OID"),
];

/// DNSSEC algorithm mnemonics (IANA "DNS Security Algorithm Numbers") as dnspython
/// prints them in CERT (BIND names 6 and 7 `NSEC3DSA` and `NSEC3RSASHA1`).
pub(crate) const ALGORITHMS: &[(u8, &str)] = &[
    (1, "RSAMD5"),
    (2, "DH"),
    (3, "DSA"),
    (4, "ECC"),
    (5, "RSASHA1"),
    (6, "DSANSEC3SHA1"),
    (7, "RSASHA1NSEC3SHA1"),
    (8, "RSASHA256"),
    (10, "RSASHA512"),
    (12, "ECCGOST"),
    (13, "ECDSAP256SHA256"),
    (14, "ECDSAP384SHA384"),
    (15, "ED25519"),
    (16, "ED448"),
    (252, "INDIRECT"),
    (253, "PRIVATEDNS"),
    (254, "PRIVATEOID"),
];

/// The mnemonic of `value` in `table`.
pub(crate) fn mnemonic<T: PartialEq + Copy>(
    table: &[(T, &'static str)],
    value: T,
) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, name)| *name)
}

impl RData<'_> {
    /// The presentation form of the types of this module, as dig prints them
    /// (hex upper case in words of 56, base64 in words of 56; EUI and ILNP
    /// identifiers lower case, as RFC 7043 §3.2 and RFC 6742 §2.1 write them).
    pub(super) fn write_more(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RData::Nsec3param { hash_algorithm, flags, iterations, salt } => {
                write!(f, "{hash_algorithm} {flags} {iterations} ")?;
                match salt {
                    [] => f.write_str("-"),
                    salt => write_hex_word(f, salt),
                }
            }
            RData::Rp { mbox, txt } => write!(f, "{mbox} {txt}"),
            RData::Afsdb { subtype, hostname } => write!(f, "{subtype} {hostname}"),
            RData::Kx { preference, exchanger } => write!(f, "{preference} {exchanger}"),
            RData::Lp { preference, fqdn } => write!(f, "{preference} {fqdn}"),
            RData::Cert { cert_type, key_tag, algorithm, certificate } => {
                match mnemonic(CERT_TYPES, cert_type) {
                    Some(m) => write!(f, "{m} {key_tag} ")?,
                    None => write!(f, "{cert_type} {key_tag} ")?,
                }
                match mnemonic(ALGORITHMS, algorithm) {
                    Some(m) => write!(f, "{m} ")?,
                    None => write!(f, "{algorithm} ")?,
                }
                write_base64(f, certificate)
            }
            RData::Sshfp { algorithm, fp_type, fingerprint } => {
                write!(f, "{algorithm} {fp_type} ")?;
                write_hex(f, fingerprint)
            }
            RData::Dhcid(data) | RData::Openpgpkey(data) => write_base64(f, data),
            RData::Tlsa { usage, selector, matching_type, data }
            | RData::Smimea { usage, selector, matching_type, data } => {
                write!(f, "{usage} {selector} {matching_type} ")?;
                write_hex(f, data)
            }
            RData::Csync { serial, flags, types } => {
                write!(f, "{serial} {flags}")?;
                super::display::write_types(f, types)
            }
            RData::Zonemd { serial, scheme, algorithm, digest } => {
                write!(f, "{serial} {scheme} {algorithm} ")?;
                write_hex(f, digest)
            }
            RData::Nid { preference, node_id: id } | RData::L64 { preference, locator: id } => {
                let g = |i: u32| (id >> (48 - 16 * i)) & 0xffff;
                write!(f, "{preference} {:04x}:{:04x}:{:04x}:{:04x}", g(0), g(1), g(2), g(3))
            }
            RData::L32 { preference, locator } => write!(f, "{preference} {locator}"),
            RData::Eui48(eui) => write_eui(f, &eui),
            RData::Eui64(eui) => write_eui(f, &eui),
            RData::Uri { priority, weight, target } => {
                write!(f, "{priority} {weight} ")?;
                write_quoted(f, target)
            }
            RData::Tsig { .. } => self.write_tsig(f),
            // RFC 2136 §2.4, §2.5: no RDATA, nothing to print.
            _ => Ok(()),
        }
    }

    /// TSIG as dig and dnspython print it: `algorithm time fudge mac-size mac
    /// original-id error other-len [other]`, base64 unbroken (a break would read
    /// as the next field).
    fn write_tsig(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RData::Tsig { algorithm, time_signed, fudge, mac, original_id, error, other } = *self
        else {
            return Ok(());
        };
        write!(f, "{algorithm} {time_signed} {fudge} {}", mac.len())?;
        if !mac.is_empty() {
            f.write_str(" ")?;
            write_base64_word(f, mac)?;
        }
        match error {
            Rcode::BADVERS => write!(f, " {original_id} BADSIG {}", other.len())?,
            _ => write!(f, " {original_id} {error} {}", other.len())?,
        }
        if !other.is_empty() {
            f.write_str(" ")?;
            write_base64_word(f, other)?;
        }
        Ok(())
    }

    /// Writes the RDATA of the types of this module; names are never compressed
    /// (RFC 3597 §4: not in types past RFC 1035).
    pub(super) fn emit_more(&self, b: &mut Builder<'_>) -> Out {
        match *self {
            RData::Nsec3param { hash_algorithm, flags, iterations, salt } => {
                b.put(&[hash_algorithm, flags])?;
                b.put_u16(iterations)?;
                b.put_char_string(salt)
            }
            RData::Rp { mbox, txt } => {
                b.put_name(&mbox, false)?;
                b.put_name(&txt, false)
            }
            RData::Afsdb { subtype: v, hostname: n }
            | RData::Kx { preference: v, exchanger: n }
            | RData::Lp { preference: v, fqdn: n } => {
                b.put_u16(v)?;
                b.put_name(&n, false)
            }
            RData::Cert { cert_type, key_tag, algorithm, certificate } => {
                b.put_u16(cert_type)?;
                b.put_u16(key_tag)?;
                b.put_u8(algorithm)?;
                b.put(certificate)
            }
            RData::Sshfp { algorithm, fp_type, fingerprint } => {
                b.put(&[algorithm, fp_type])?;
                b.put(fingerprint)
            }
            RData::Dhcid(data) | RData::Openpgpkey(data) => b.put(data),
            RData::Tlsa { usage, selector, matching_type, data }
            | RData::Smimea { usage, selector, matching_type, data } => {
                b.put(&[usage, selector, matching_type])?;
                b.put(data)
            }
            RData::Csync { serial, flags, types } => {
                b.put_u32(serial)?;
                b.put_u16(flags)?;
                b.put(types.as_bytes())
            }
            RData::Zonemd { serial, scheme, algorithm, digest } => {
                b.put_u32(serial)?;
                b.put(&[scheme, algorithm])?;
                b.put(digest)
            }
            RData::Nid { preference, node_id: id } | RData::L64 { preference, locator: id } => {
                b.put_u16(preference)?;
                b.put(&id.to_be_bytes())
            }
            RData::L32 { preference, locator } => {
                b.put_u16(preference)?;
                b.put(&locator.octets())
            }
            RData::Eui48(eui) => b.put(&eui),
            RData::Eui64(eui) => b.put(&eui),
            RData::Uri { priority, weight, target } => {
                b.put_u16(priority)?;
                b.put_u16(weight)?;
                b.put(target)
            }
            RData::Spf(strings) | RData::Avc(strings) => b.put(strings.as_bytes()),
            RData::Tsig { algorithm, time_signed, fudge, mac, original_id, error, other } => {
                b.put_name(&algorithm, false)?;
                b.put_u16((time_signed >> 32) as u16)?;
                b.put_u32(time_signed as u32)?;
                b.put_u16(fudge)?;
                b.put_u16(u16::try_from(mac.len()).map_err(|_| Full)?)?;
                b.put(mac)?;
                b.put_u16(original_id)?;
                b.put_u16(error.0)?;
                b.put_u16(u16::try_from(other.len()).map_err(|_| Full)?)?;
                b.put(other)
            }
            _ => Ok(()),
        }
    }

    /// The wire length of the types of this module (0 for the others).
    pub(super) fn wire_len_more(&self) -> usize {
        match *self {
            RData::Rp { mbox, txt } => mbox.wire_len() + txt.wire_len(),
            RData::Afsdb { hostname: n, .. } | RData::Kx { exchanger: n, .. } => 2 + n.wire_len(),
            RData::Lp { fqdn, .. } => 2 + fqdn.wire_len(),
            RData::Cert { certificate, .. } => 5 + certificate.len(),
            RData::Sshfp { fingerprint, .. } => 2 + fingerprint.len(),
            RData::Dhcid(data) | RData::Openpgpkey(data) => data.len(),
            RData::Tlsa { data, .. } | RData::Smimea { data, .. } => 3 + data.len(),
            RData::Csync { types, .. } => 6 + types.as_bytes().len(),
            RData::Zonemd { digest, .. } => 6 + digest.len(),
            RData::Nid { .. } | RData::L64 { .. } => 10,
            RData::L32 { .. } => 6,
            RData::Eui48(_) => 6,
            RData::Eui64(_) => 8,
            RData::Uri { target, .. } => 4 + target.len(),
            RData::Spf(strings) | RData::Avc(strings) => strings.as_bytes().len(),
            RData::Nsec3param { salt, .. } => 5 + salt.len(),
            RData::Tsig { algorithm, mac, other, .. } => {
                algorithm.wire_len() + 16 + mac.len() + other.len()
            }
            _ => 0,
        }
    }
}

/// `xx-xx-xx-xx-xx-xx`, lower case (RFC 7043 §3.2).
fn write_eui(f: &mut fmt::Formatter<'_>, eui: &[u8]) -> fmt::Result {
    for (i, b) in eui.iter().enumerate() {
        write!(f, "{}{b:02x}", if i > 0 { "-" } else { "" })?;
    }
    Ok(())
}

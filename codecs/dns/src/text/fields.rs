//! The RDATA fields of each type in presentation form, read in order into their
//! wire form.

use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};

use wirestate_wire::Result;

use super::{unescape_all, Fields};
use crate::encoding::decode;
use crate::rdata::{svc_key, ALGORITHMS, CERT_TYPES};
use crate::{Rcode, Type};

pub(super) fn fields(rtype: Type, f: &mut Fields<'_, '_>) -> Result<()> {
    match rtype {
        Type::A => {
            let t = f.token()?;
            let a: Ipv4Addr = t.text.parse().map_err(|_| f.err(t.at))?;
            f.out.extend_from_slice(&a.octets());
        }
        Type::AAAA => {
            let t = f.token()?;
            let a: Ipv6Addr = t.text.parse().map_err(|_| f.err(t.at))?;
            f.out.extend_from_slice(&a.octets());
        }
        Type::NS | Type::CNAME | Type::DNAME | Type::PTR => f.name()?,
        Type::SOA => {
            f.name()?;
            f.name()?;
            for _ in 0..5 {
                f.u32()?;
            }
        }
        Type::MX => {
            f.u16()?;
            f.name()?;
        }
        Type::TXT => {
            f.char_string()?;
            while f.left() {
                f.char_string()?;
            }
        }
        Type::HINFO => {
            f.char_string()?;
            f.char_string()?;
        }
        Type::SRV => {
            f.u16()?;
            f.u16()?;
            f.u16()?;
            f.name()?;
        }
        Type::NAPTR => {
            f.u16()?;
            f.u16()?;
            f.char_string()?;
            f.char_string()?;
            f.char_string()?;
            f.name()?;
        }
        Type::CAA => {
            f.u8()?;
            f.char_string()?;
            let value = f.text()?;
            f.out.extend_from_slice(&value);
        }
        Type::SVCB | Type::HTTPS => {
            f.u16()?;
            f.name()?;
            svc_params(f)?;
        }
        Type::DS => {
            f.u16()?;
            f.u8()?;
            f.u8()?;
            binary(f, decode::hex)?;
        }
        Type::DNSKEY => {
            f.u16()?;
            f.u8()?;
            f.u8()?;
            binary(f, decode::base64)?;
        }
        Type::RRSIG => rrsig(f)?,
        Type::NSEC => {
            f.name()?;
            f.type_bitmaps()?;
        }
        Type::NSEC3 => nsec3(f)?,
        _ => fields_more(rtype, f)?,
    }
    Ok(())
}

/// The types decoded by `rdata::more`.
fn fields_more(rtype: Type, f: &mut Fields<'_, '_>) -> Result<()> {
    match rtype {
        Type::RP => {
            f.name()?;
            f.name()?;
        }
        Type::AFSDB | Type::KX | Type::LP => {
            f.u16()?;
            f.name()?;
        }
        Type::CERT => {
            f.mnemonic_or_int(CERT_TYPES, 2)?;
            f.u16()?;
            f.mnemonic_or_int(ALGORITHMS, 1)?;
            binary(f, decode::base64)?;
        }
        Type::SSHFP => {
            f.u8()?;
            f.u8()?;
            binary(f, decode::hex)?;
        }
        Type::DHCID | Type::OPENPGPKEY => binary(f, decode::base64)?,
        Type::TLSA | Type::SMIMEA => {
            f.u8()?;
            f.u8()?;
            f.u8()?;
            binary(f, decode::hex)?;
        }
        Type::CDS => return fields(Type::DS, f),
        Type::CDNSKEY => return fields(Type::DNSKEY, f),
        Type::CSYNC => {
            f.u32()?;
            f.u16()?;
            f.type_bitmaps()?;
        }
        Type::ZONEMD => {
            f.u32()?;
            f.u8()?;
            f.u8()?;
            binary(f, decode::hex)?;
        }
        Type::NID | Type::L64 => {
            f.u16()?;
            f.separated_hex(':', 4, 2)?;
        }
        Type::L32 => {
            f.u16()?;
            let t = f.token()?;
            let a: Ipv4Addr = t.text.parse().map_err(|_| f.err(t.at))?;
            f.out.extend_from_slice(&a.octets());
        }
        Type::EUI48 => f.separated_hex('-', 6, 1)?,
        Type::EUI64 => f.separated_hex('-', 8, 1)?,
        Type::URI => {
            f.u16()?;
            f.u16()?;
            let target = f.text()?;
            f.out.extend_from_slice(&target);
        }
        Type::AVC | Type::SPF => return fields(Type::TXT, f),
        Type::NSEC3PARAM => {
            f.u8()?;
            f.u8()?;
            f.u16()?;
            let t = f.token()?;
            let mut salt = Vec::new();
            if t.text != "-" {
                decode::hex(t.text, &mut salt).ok_or(f.err(t.at))?;
            }
            f.out.push(u8::try_from(salt.len()).map_err(|_| f.err(t.at))?);
            f.out.extend_from_slice(&salt);
        }
        Type::TSIG => tsig(f)?,
        _ => return Err(f.err(f.tokens.first().map_or(f.end, |t| t.at))),
    }
    Ok(())
}

fn binary(f: &mut Fields<'_, '_>, decode: fn(&str, &mut Vec<u8>) -> Option<()>) -> Result<()> {
    let at = f.tokens.get(f.next).map_or(f.end, |t| t.at);
    let text = f.rest_joined();
    decode(&text, &mut f.out).ok_or(f.err(at))
}

fn rrsig(f: &mut Fields<'_, '_>) -> Result<()> {
    let t = f.token()?;
    let covered = t.text.parse::<Type>().map_err(|_| f.err(t.at))?;
    f.out.extend_from_slice(&covered.0.to_be_bytes());
    f.u8()?;
    f.u8()?;
    f.u32()?;
    for _ in 0..2 {
        let t = f.token()?;
        let time = decode::time(t.text).ok_or(f.err(t.at))?;
        f.out.extend_from_slice(&time.to_be_bytes());
    }
    f.u16()?;
    f.name()?;
    binary(f, decode::base64)
}

/// `algorithm time fudge mac-size [mac] original-id error other-len [other]`, as
/// `RData::Tsig` prints it (and dnspython reads it).
fn tsig(f: &mut Fields<'_, '_>) -> Result<()> {
    f.name()?;
    let t = f.token()?;
    let time = t.text.parse::<u64>().ok().filter(|v| v >> 48 == 0).ok_or(f.err(t.at))?;
    f.out.extend_from_slice(&time.to_be_bytes()[2..]);
    f.u16()?;
    f.sized_base64()?;
    f.u16()?;
    let t = f.token()?;
    let error = match Rcode::from_mnemonic(t.text) {
        Some(r) => r.0,
        None => t.text.parse::<u16>().map_err(|_| f.err(t.at))?,
    };
    f.out.extend_from_slice(&error.to_be_bytes());
    f.sized_base64()
}

fn nsec3(f: &mut Fields<'_, '_>) -> Result<()> {
    f.u8()?;
    f.u8()?;
    f.u16()?;
    let t = f.token()?;
    let mut salt = Vec::new();
    if t.text != "-" {
        decode::hex(t.text, &mut salt).ok_or(f.err(t.at))?;
    }
    let t = f.token()?;
    let mut hash = Vec::new();
    decode::base32hex(t.text, &mut hash).ok_or(f.err(t.at))?;
    for part in [salt, hash] {
        f.out.push(u8::try_from(part.len()).map_err(|_| f.err(t.at))?);
        f.out.extend_from_slice(&part);
    }
    f.type_bitmaps()
}

/// SvcParams `key[=value]` (RFC 9460 §2.1), sorted by key on the wire.
fn svc_params(f: &mut Fields<'_, '_>) -> Result<()> {
    let mut params: Vec<(u16, Vec<u8>)> = Vec::new();
    while f.left() {
        let t = f.token()?;
        let (key, value) = match t.text.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (t.text, None),
        };
        // A quoted value is a separate token when written `key="..."`.
        let value = match value {
            Some("") if f.tokens.get(f.next).is_some_and(|n| n.quoted) => Some(f.token()?.text),
            v => v,
        };
        let value =
            value.map(|v| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v));
        let code = svc_key_code(key).ok_or(f.err(t.at))?;
        let value = unescape_all(value.unwrap_or("")).map_err(|e| e.at(t.at))?;
        let wire = svc_value(code, &value).ok_or(f.err(t.at))?;
        params.push((code, wire));
    }
    params.sort_by_key(|p| p.0);
    for (key, value) in params {
        f.out.extend_from_slice(&key.to_be_bytes());
        f.out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        f.out.extend_from_slice(&value);
    }
    Ok(())
}

fn svc_key_code(key: &str) -> Option<u16> {
    (0..=6)
        .find(|&k| svc_key::name(k) == Some(key))
        .or_else(|| key.strip_prefix("key")?.parse().ok())
}

fn svc_value(key: u16, v: &[u8]) -> Option<Vec<u8>> {
    let text = core::str::from_utf8(v).ok();
    let list = || text.into_iter().flat_map(|t| t.split(','));
    let mut out = Vec::new();
    match key {
        svc_key::MANDATORY => {
            for k in list() {
                out.extend_from_slice(&svc_key_code(k)?.to_be_bytes());
            }
        }
        svc_key::ALPN => {
            for id in list() {
                out.push(u8::try_from(id.len()).ok()?);
                out.extend_from_slice(id.as_bytes());
            }
        }
        svc_key::PORT => out.extend_from_slice(&text?.parse::<u16>().ok()?.to_be_bytes()),
        svc_key::IPV4HINT => {
            for a in list() {
                out.extend_from_slice(&a.parse::<Ipv4Addr>().ok()?.octets());
            }
        }
        svc_key::IPV6HINT => {
            for a in list() {
                out.extend_from_slice(&a.parse::<Ipv6Addr>().ok()?.octets());
            }
        }
        svc_key::ECH => decode::base64(text?, &mut out)?,
        _ => out.extend_from_slice(v),
    }
    Some(out)
}

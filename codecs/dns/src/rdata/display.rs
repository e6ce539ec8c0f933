//! The presentation form of RDATA, as dig prints it (RFC 1035 §5.1 and each
//! type's RFC).

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

use super::parts::svc_key;
use super::{CharStrings, RData, SvcParam, SvcParams, TypeBitmaps};
use crate::encoding::{
    write_base32hex, write_base64, write_hex, write_hex_word, write_quoted, write_time,
};
use crate::Name;

impl fmt::Display for RData<'_> {
    /// The presentation form as dig prints it; [`RData::Unknown`] and OPT in the
    /// generic form of RFC 3597 §5 (`\# 4 0A000001`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RData::A(a) => write!(f, "{a}"),
            RData::Aaaa(a) => write!(f, "{a}"),
            RData::Ns(n) | RData::Cname(n) | RData::Dname(n) | RData::Ptr(n) => write!(f, "{n}"),
            RData::Soa { mname, rname, serial, refresh, retry, expire, minimum } => {
                write!(f, "{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}")
            }
            RData::Mx { preference, exchange } => write!(f, "{preference} {exchange}"),
            RData::Txt(strings) | RData::Spf(strings) | RData::Avc(strings) => {
                write_strings(f, strings)
            }
            RData::Hinfo { cpu, os } => {
                write_quoted(f, cpu)?;
                f.write_str(" ")?;
                write_quoted(f, os)
            }
            RData::Srv { priority, weight, port, target } => {
                write!(f, "{priority} {weight} {port} {target}")
            }
            RData::Naptr { order, preference, flags, services, regexp, replacement } => {
                write!(f, "{order} {preference} ")?;
                for s in [flags, services, regexp] {
                    write_quoted(f, s)?;
                    f.write_str(" ")?;
                }
                write!(f, "{replacement}")
            }
            RData::Caa { flags, tag, value } => {
                write!(f, "{flags} {} ", core::str::from_utf8(tag).unwrap_or("?"))?;
                write_quoted(f, value)
            }
            RData::Svcb { priority, target, params }
            | RData::Https { priority, target, params } => write_svcb(f, priority, target, params),
            RData::Ds { key_tag, algorithm, digest_type, digest }
            | RData::Cds { key_tag, algorithm, digest_type, digest } => {
                write!(f, "{key_tag} {algorithm} {digest_type} ")?;
                write_hex(f, digest)
            }
            RData::Dnskey { flags, protocol, algorithm, public_key }
            | RData::Cdnskey { flags, protocol, algorithm, public_key } => {
                write!(f, "{flags} {protocol} {algorithm} ")?;
                write_base64(f, public_key)
            }
            RData::Rrsig { .. } => self.write_rrsig(f),
            RData::Nsec { next, types } => {
                write!(f, "{next}")?;
                write_types(f, types)
            }
            RData::Nsec3 { hash_algorithm, flags, iterations, salt, next_hashed, types } => {
                write!(f, "{hash_algorithm} {flags} {iterations} ")?;
                if salt.is_empty() {
                    f.write_str("-")?;
                } else {
                    write_hex_word(f, salt)?;
                }
                f.write_str(" ")?;
                write_base32hex(f, next_hashed)?;
                write_types(f, types)
            }
            RData::Opt(options) => write_generic(f, options.as_bytes()),
            RData::Unknown { data, .. } => write_generic(f, data),
            _ => self.write_more(f),
        }
    }
}

impl RData<'_> {
    fn write_rrsig(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RData::Rrsig {
            type_covered,
            algorithm,
            labels,
            original_ttl,
            expiration,
            inception,
            key_tag,
            signer,
            signature,
        } = *self
        else {
            return Ok(());
        };
        write!(f, "{type_covered} {algorithm} {labels} {original_ttl} ")?;
        write_time(f, expiration)?;
        f.write_str(" ")?;
        write_time(f, inception)?;
        write!(f, " {key_tag} {signer} ")?;
        write_base64(f, signature)
    }
}

fn write_strings(f: &mut fmt::Formatter<'_>, strings: CharStrings<'_>) -> fmt::Result {
    for (i, s) in strings.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write_quoted(f, s)?;
    }
    Ok(())
}

/// RFC 3597 §5: `\# <length> <hex>`.
fn write_generic(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    write!(f, "\\# {}", data.len())?;
    if !data.is_empty() {
        f.write_str(" ")?;
        write_hex(f, data)?;
    }
    Ok(())
}

pub(super) fn write_types(f: &mut fmt::Formatter<'_>, types: TypeBitmaps<'_>) -> fmt::Result {
    for t in types {
        write!(f, " {t}")?;
    }
    Ok(())
}

fn write_svcb(
    f: &mut fmt::Formatter<'_>,
    priority: u16,
    target: Name<'_>,
    params: SvcParams<'_>,
) -> fmt::Result {
    write!(f, "{priority} {target}")?;
    for param in params {
        f.write_str(" ")?;
        write_svc_param(f, param)?;
    }
    Ok(())
}

/// One SvcParam in the presentation form of RFC 9460 §2.1 as BIND prints it.
fn write_svc_param(f: &mut fmt::Formatter<'_>, p: SvcParam<'_>) -> fmt::Result {
    match svc_key::name(p.key) {
        Some(name) => f.write_str(name)?,
        None => write!(f, "key{}", p.key)?,
    }
    let v = p.value;
    match p.key {
        svc_key::NO_DEFAULT_ALPN => Ok(()),
        svc_key::MANDATORY => {
            f.write_str("=")?;
            for (i, k) in v.chunks_exact(2).enumerate() {
                let k = u16::from_be_bytes([k[0], k[1]]);
                f.write_str(if i > 0 { "," } else { "" })?;
                match svc_key::name(k) {
                    Some(name) => f.write_str(name)?,
                    None => write!(f, "key{k}")?,
                }
            }
            Ok(())
        }
        svc_key::ALPN => {
            f.write_str("=\"")?;
            for (i, id) in
                super::CharStrings::parse(v, 0, "alpn").unwrap_or_default().iter().enumerate()
            {
                f.write_str(if i > 0 { "," } else { "" })?;
                for &b in id {
                    match b {
                        b',' => f.write_str("\\\\,")?,
                        b'"' | b'\\' => write!(f, "\\{}", char::from(b))?,
                        0x20..=0x7e => write!(f, "{}", char::from(b))?,
                        _ => write!(f, "\\{b:03}")?,
                    }
                }
            }
            f.write_str("\"")
        }
        svc_key::PORT if v.len() == 2 => write!(f, "={}", u16::from_be_bytes([v[0], v[1]])),
        svc_key::IPV4HINT => {
            for (i, a) in v.chunks_exact(4).enumerate() {
                let a = Ipv4Addr::new(a[0], a[1], a[2], a[3]);
                write!(f, "{}{a}", if i > 0 { "," } else { "=" })?;
            }
            Ok(())
        }
        svc_key::IPV6HINT => {
            for (i, a) in v.chunks_exact(16).enumerate() {
                let mut o = [0u8; 16];
                o.copy_from_slice(a);
                write!(f, "{}{}", if i > 0 { "," } else { "=" }, Ipv6Addr::from(o))?;
            }
            Ok(())
        }
        svc_key::ECH => {
            f.write_str("=")?;
            write_base64_word(f, v)
        }
        _ => {
            f.write_str("=")?;
            write_quoted(f, v)
        }
    }
}

/// Base64 without word breaks (a break would end the SvcParam).
pub(super) fn write_base64_word(f: &mut fmt::Formatter<'_>, v: &[u8]) -> fmt::Result {
    // Write in chunks short enough that write_base64 never breaks them.
    for chunk in v.chunks(crate::encoding::WORD / 4 * 3) {
        write_base64(f, chunk)?;
    }
    Ok(())
}

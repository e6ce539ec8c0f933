//! Writing RDATA through the [`Builder`], compressing names only for the types
//! RFC 3597 §4 allows.

use super::RData;
use crate::builder::{Builder, Full};

type Out = core::result::Result<(), Full>;

impl RData<'_> {
    /// Writes the RDATA (not its length) through `b`.
    pub(crate) fn emit_to(&self, b: &mut Builder<'_>) -> Out {
        match *self {
            RData::A(a) => b.put(&a.octets()),
            RData::Aaaa(a) => b.put(&a.octets()),
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) => b.put_name(&n, true),
            RData::Dname(n) => b.put_name(&n, false),
            RData::Soa { mname, rname, serial, refresh, retry, expire, minimum } => {
                b.put_name(&mname, true)?;
                b.put_name(&rname, true)?;
                for v in [serial, refresh, retry, expire, minimum] {
                    b.put_u32(v)?;
                }
                Ok(())
            }
            RData::Mx { preference, exchange } => {
                b.put_u16(preference)?;
                b.put_name(&exchange, true)
            }
            RData::Txt(strings) => b.put(strings.as_bytes()),
            RData::Hinfo { cpu, os } => {
                b.put_char_string(cpu)?;
                b.put_char_string(os)
            }
            RData::Srv { priority, weight, port, target } => {
                b.put_u16(priority)?;
                b.put_u16(weight)?;
                b.put_u16(port)?;
                // RFC 2782: "name compression is not to be used for this field".
                b.put_name(&target, false)
            }
            RData::Naptr { order, preference, flags, services, regexp, replacement } => {
                b.put_u16(order)?;
                b.put_u16(preference)?;
                b.put_char_string(flags)?;
                b.put_char_string(services)?;
                b.put_char_string(regexp)?;
                b.put_name(&replacement, false)
            }
            RData::Caa { flags, tag, value } => {
                b.put_u8(flags)?;
                b.put_char_string(tag)?;
                b.put(value)
            }
            RData::Svcb { priority, target, params }
            | RData::Https { priority, target, params } => {
                b.put_u16(priority)?;
                b.put_name(&target, false)?;
                b.put(params.as_bytes())
            }
            RData::Ds { key_tag, algorithm, digest_type, digest }
            | RData::Cds { key_tag, algorithm, digest_type, digest } => {
                b.put_u16(key_tag)?;
                b.put(&[algorithm, digest_type])?;
                b.put(digest)
            }
            RData::Dnskey { flags, protocol, algorithm, public_key }
            | RData::Cdnskey { flags, protocol, algorithm, public_key } => {
                b.put_u16(flags)?;
                b.put(&[protocol, algorithm])?;
                b.put(public_key)
            }
            RData::Rrsig { .. } => self.emit_rrsig(b),
            RData::Nsec { next, types } => {
                b.put_name(&next, false)?;
                b.put(types.as_bytes())
            }
            RData::Nsec3 { hash_algorithm, flags, iterations, salt, next_hashed, types } => {
                b.put(&[hash_algorithm, flags])?;
                b.put_u16(iterations)?;
                b.put_char_string(salt)?;
                b.put_char_string(next_hashed)?;
                b.put(types.as_bytes())
            }
            RData::Opt(options) => b.put(options.as_bytes()),
            RData::Unknown { data, .. } => b.put(data),
            _ => self.emit_more(b),
        }
    }

    fn emit_rrsig(&self, b: &mut Builder<'_>) -> Out {
        if let RData::Rrsig {
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
        {
            b.put_u16(type_covered.0)?;
            b.put(&[algorithm, labels])?;
            b.put_u32(original_ttl)?;
            b.put_u32(expiration)?;
            b.put_u32(inception)?;
            b.put_u16(key_tag)?;
            b.put_name(&signer, false)?;
            b.put(signature)?;
        }
        Ok(())
    }

    /// Its length on the wire with every name uncompressed.
    pub fn wire_len(&self) -> usize {
        let names = |ns: &[crate::Name<'_>]| ns.iter().map(crate::Name::wire_len).sum::<usize>();
        match *self {
            RData::A(_) => 4,
            RData::Aaaa(_) => 16,
            RData::Ns(n) | RData::Cname(n) | RData::Ptr(n) | RData::Dname(n) => n.wire_len(),
            RData::Soa { mname, rname, .. } => names(&[mname, rname]) + 20,
            RData::Mx { exchange, .. } => 2 + exchange.wire_len(),
            RData::Txt(s) => s.as_bytes().len(),
            RData::Hinfo { cpu, os } => 2 + cpu.len() + os.len(),
            RData::Srv { target, .. } => 6 + target.wire_len(),
            RData::Naptr { flags, services, regexp, replacement, .. } => {
                7 + flags.len() + services.len() + regexp.len() + replacement.wire_len()
            }
            RData::Caa { tag, value, .. } => 2 + tag.len() + value.len(),
            RData::Svcb { target, params, .. } | RData::Https { target, params, .. } => {
                2 + target.wire_len() + params.as_bytes().len()
            }
            RData::Ds { digest, .. } | RData::Cds { digest, .. } => 4 + digest.len(),
            RData::Dnskey { public_key, .. } | RData::Cdnskey { public_key, .. } => {
                4 + public_key.len()
            }
            RData::Rrsig { signer, signature, .. } => 18 + signer.wire_len() + signature.len(),
            RData::Nsec { next, types } => next.wire_len() + types.as_bytes().len(),
            RData::Nsec3 { salt, next_hashed, types, .. } => {
                6 + salt.len() + next_hashed.len() + types.as_bytes().len()
            }
            RData::Opt(o) => o.as_bytes().len(),
            RData::Unknown { data, .. } => data.len(),
            _ => self.wire_len_more(),
        }
    }
}

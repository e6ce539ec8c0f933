//! RDATA (RFC 1035 §3.3 and the RFCs of each type), decoded in place.

mod display;
mod emit;
mod more;
mod parts;

use core::net::{Ipv4Addr, Ipv6Addr};

use wirestate_wire::bytes::{read_array, read_u16, read_u32};
use wirestate_wire::{Error, Result};

use crate::{EdnsOptions, Name, Rcode, Type};

#[cfg(feature = "alloc")]
pub(crate) use more::{ALGORITHMS, CERT_TYPES};
pub use parts::{
    svc_key, CharStrings, CharStringsIter, SvcParam, SvcParams, SvcParamsIter, TypeBitmaps,
    TypeBitmapsIter,
};

const RULE_LONGER: &str = "RDATA is longer than the fields of its type";
const RULE_NAME_PAST: &str = "RFC 1035 §3.2.1: a name in RDATA ends within RDLENGTH";
const RULE_TXT_EMPTY: &str = "RFC 1035 §3.3.14: TXT-DATA is one or more character-strings";

/// The RDATA of one record.
///
/// Each type this crate knows decodes to its fields, names borrowed from the
/// message; every other type is [`RData::Unknown`] with its octets (RFC 3597 §5).
/// `Display` is the presentation form as dig prints it.
///
/// Names inside RDATA may be compressed only for NS, CNAME, SOA, PTR and MX (the
/// RFC 1035 types, RFC 3597 §4), SRV, NAPTR, RP and AFSDB (which RFC 3597 §4 says
/// receivers should decompress) and LP (which BIND and dnspython compress); anywhere
/// else a pointer is `Malformed`. The builder compresses only the RFC 1035 types.
///
/// ```
/// use wirestate_dns::{RData, Type};
/// let rdata = RData::parse(b"\x00\x0a\x04mail\x00", 0, 8, Type::MX).unwrap();
/// assert_eq!(rdata.to_string(), "10 mail.");
/// assert_eq!(RData::parse(b"\x0a\0\0\x01", 0, 4, Type(65280)).unwrap().to_string(), "\\# 4 0A000001");
///
/// // An A record must be 4 octets.
/// let err = RData::parse(b"\x0a\0\0\x01\x02", 0, 5, Type::A).unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("rdata", 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RData<'a> {
    /// A (RFC 1035 §3.4.1).
    A(Ipv4Addr),
    /// AAAA (RFC 3596 §2.2).
    Aaaa(Ipv6Addr),
    /// NS (RFC 1035 §3.3.11).
    Ns(Name<'a>),
    /// CNAME (RFC 1035 §3.3.1).
    Cname(Name<'a>),
    /// DNAME (RFC 6672 §2.1).
    Dname(Name<'a>),
    /// PTR (RFC 1035 §3.3.12).
    Ptr(Name<'a>),
    /// SOA (RFC 1035 §3.3.13).
    Soa {
        /// MNAME: the primary server.
        mname: Name<'a>,
        /// RNAME: the responsible person's mailbox.
        rname: Name<'a>,
        /// SERIAL.
        serial: u32,
        /// REFRESH.
        refresh: u32,
        /// RETRY.
        retry: u32,
        /// EXPIRE.
        expire: u32,
        /// MINIMUM (the negative-caching TTL, RFC 2308 §4).
        minimum: u32,
    },
    /// MX (RFC 1035 §3.3.9).
    Mx {
        /// PREFERENCE.
        preference: u16,
        /// EXCHANGE.
        exchange: Name<'a>,
    },
    /// TXT (RFC 1035 §3.3.14): one or more character-strings.
    Txt(CharStrings<'a>),
    /// HINFO (RFC 1035 §3.3.2).
    Hinfo {
        /// CPU.
        cpu: &'a [u8],
        /// OS.
        os: &'a [u8],
    },
    /// SRV (RFC 2782).
    Srv {
        /// Priority.
        priority: u16,
        /// Weight.
        weight: u16,
        /// Port.
        port: u16,
        /// Target.
        target: Name<'a>,
    },
    /// NAPTR (RFC 3403 §4.1).
    Naptr {
        /// ORDER.
        order: u16,
        /// PREFERENCE.
        preference: u16,
        /// FLAGS.
        flags: &'a [u8],
        /// SERVICES.
        services: &'a [u8],
        /// REGEXP.
        regexp: &'a [u8],
        /// REPLACEMENT.
        replacement: Name<'a>,
    },
    /// CAA (RFC 8659 §4.1).
    Caa {
        /// Flags (bit 0x80: issuer critical).
        flags: u8,
        /// The property tag.
        tag: &'a [u8],
        /// The property value.
        value: &'a [u8],
    },
    /// SVCB (RFC 9460 §2.2).
    Svcb {
        /// SvcPriority (0: alias mode).
        priority: u16,
        /// TargetName.
        target: Name<'a>,
        /// SvcParams, in increasing key order.
        params: SvcParams<'a>,
    },
    /// HTTPS (RFC 9460 §9): the SVCB layout.
    Https {
        /// SvcPriority (0: alias mode).
        priority: u16,
        /// TargetName.
        target: Name<'a>,
        /// SvcParams, in increasing key order.
        params: SvcParams<'a>,
    },
    /// DS (RFC 4034 §5.1).
    Ds {
        /// Key Tag.
        key_tag: u16,
        /// Algorithm.
        algorithm: u8,
        /// Digest Type.
        digest_type: u8,
        /// Digest.
        digest: &'a [u8],
    },
    /// DNSKEY (RFC 4034 §2.1).
    Dnskey {
        /// Flags (256: zone key; 257: and secure entry point).
        flags: u16,
        /// Protocol (3).
        protocol: u8,
        /// Algorithm.
        algorithm: u8,
        /// Public Key.
        public_key: &'a [u8],
    },
    /// RRSIG (RFC 4034 §3.1).
    Rrsig {
        /// Type Covered.
        type_covered: Type,
        /// Algorithm.
        algorithm: u8,
        /// Labels.
        labels: u8,
        /// Original TTL.
        original_ttl: u32,
        /// Signature Expiration (seconds since 1970, modulo 2^32).
        expiration: u32,
        /// Signature Inception.
        inception: u32,
        /// Key Tag.
        key_tag: u16,
        /// Signer's Name (never compressed).
        signer: Name<'a>,
        /// Signature.
        signature: &'a [u8],
    },
    /// NSEC (RFC 4034 §4.1).
    Nsec {
        /// Next Domain Name (never compressed).
        next: Name<'a>,
        /// Type Bit Maps.
        types: TypeBitmaps<'a>,
    },
    /// NSEC3 (RFC 5155 §3.2).
    Nsec3 {
        /// Hash Algorithm.
        hash_algorithm: u8,
        /// Flags (bit 0x01: opt-out).
        flags: u8,
        /// Iterations.
        iterations: u16,
        /// Salt.
        salt: &'a [u8],
        /// Next Hashed Owner Name (raw hash).
        next_hashed: &'a [u8],
        /// Type Bit Maps.
        types: TypeBitmaps<'a>,
    },
    /// NSEC3PARAM (RFC 5155 §4.2).
    Nsec3param {
        /// Hash Algorithm.
        hash_algorithm: u8,
        /// Flags (0 in NSEC3PARAM, RFC 5155 §4.1.2).
        flags: u8,
        /// Iterations.
        iterations: u16,
        /// Salt.
        salt: &'a [u8],
    },
    /// SPF (RFC 4408 §3.1.1, obsoleted by RFC 7208 §3.1): TXT's layout.
    Spf(CharStrings<'a>),
    /// RP (RFC 1183 §2.2).
    Rp {
        /// The responsible person's mailbox, as a name.
        mbox: Name<'a>,
        /// A name with TXT records about them (the root: none).
        txt: Name<'a>,
    },
    /// AFSDB (RFC 1183 §1).
    Afsdb {
        /// Subtype (1: AFS cell database server, 2: DCE name server).
        subtype: u16,
        /// Hostname.
        hostname: Name<'a>,
    },
    /// KX (RFC 2230 §3.1).
    Kx {
        /// Preference.
        preference: u16,
        /// Exchanger (never compressed).
        exchanger: Name<'a>,
    },
    /// CERT (RFC 4398 §2).
    Cert {
        /// Certificate type (1: PKIX, 3: PGP, ...).
        cert_type: u16,
        /// Key tag.
        key_tag: u16,
        /// DNSSEC algorithm.
        algorithm: u8,
        /// Certificate or CRL.
        certificate: &'a [u8],
    },
    /// SSHFP (RFC 4255 §3.1).
    Sshfp {
        /// Public key algorithm.
        algorithm: u8,
        /// Fingerprint type (1: SHA-1, 2: SHA-256, RFC 6594).
        fp_type: u8,
        /// Fingerprint.
        fingerprint: &'a [u8],
    },
    /// DHCID (RFC 4701 §3.1): opaque to DNS.
    Dhcid(&'a [u8]),
    /// TLSA (RFC 6698 §2.1).
    Tlsa {
        /// Certificate usage.
        usage: u8,
        /// Selector.
        selector: u8,
        /// Matching type.
        matching_type: u8,
        /// Certificate association data.
        data: &'a [u8],
    },
    /// SMIMEA (RFC 8162 §2): the TLSA layout.
    Smimea {
        /// Certificate usage.
        usage: u8,
        /// Selector.
        selector: u8,
        /// Matching type.
        matching_type: u8,
        /// Certificate association data.
        data: &'a [u8],
    },
    /// CDS (RFC 7344 §3.1): the DS layout.
    Cds {
        /// Key Tag.
        key_tag: u16,
        /// Algorithm (0 with digest type 0: delete the DS RRset, RFC 8078 §4).
        algorithm: u8,
        /// Digest Type.
        digest_type: u8,
        /// Digest.
        digest: &'a [u8],
    },
    /// CDNSKEY (RFC 7344 §3.2): the DNSKEY layout.
    Cdnskey {
        /// Flags.
        flags: u16,
        /// Protocol (3).
        protocol: u8,
        /// Algorithm.
        algorithm: u8,
        /// Public Key.
        public_key: &'a [u8],
    },
    /// OPENPGPKEY (RFC 7929 §2.1): a transferable public key.
    Openpgpkey(&'a [u8]),
    /// CSYNC (RFC 7477 §2.1.1).
    Csync {
        /// SOA serial.
        serial: u32,
        /// Flags (0x01: immediate, 0x02: soaminimum).
        flags: u16,
        /// The types to synchronise.
        types: TypeBitmaps<'a>,
    },
    /// ZONEMD (RFC 8976 §2.2).
    Zonemd {
        /// The SOA serial the digest is for.
        serial: u32,
        /// Scheme (1: SIMPLE).
        scheme: u8,
        /// Hash algorithm (1: SHA-384, 2: SHA-512).
        algorithm: u8,
        /// Digest, at least 12 octets.
        digest: &'a [u8],
    },
    /// NID (RFC 6742 §2.1).
    Nid {
        /// Preference.
        preference: u16,
        /// Node identifier.
        node_id: u64,
    },
    /// L32 (RFC 6742 §2.2).
    L32 {
        /// Preference.
        preference: u16,
        /// Locator.
        locator: Ipv4Addr,
    },
    /// L64 (RFC 6742 §2.3).
    L64 {
        /// Preference.
        preference: u16,
        /// Locator.
        locator: u64,
    },
    /// LP (RFC 6742 §2.4).
    Lp {
        /// Preference.
        preference: u16,
        /// A name with L32 or L64 records.
        fqdn: Name<'a>,
    },
    /// EUI48 (RFC 7043 §3.1).
    Eui48([u8; 6]),
    /// EUI64 (RFC 7043 §4.1).
    Eui64([u8; 8]),
    /// URI (RFC 7553 §4.5).
    Uri {
        /// Priority.
        priority: u16,
        /// Weight.
        weight: u16,
        /// Target: the URI's octets.
        target: &'a [u8],
    },
    /// TSIG (RFC 8945 §4.2): the last record of a signed message.
    Tsig {
        /// Algorithm Name (never compressed), e.g. `hmac-sha256.`.
        algorithm: Name<'a>,
        /// Time Signed: seconds since 1970, 48 bits.
        time_signed: u64,
        /// Fudge: the seconds of error permitted in Time Signed.
        fudge: u16,
        /// MAC.
        mac: &'a [u8],
        /// Original ID: the message ID before any forwarder changed it.
        original_id: u16,
        /// Error: an extended RCODE (16 is BADSIG here, RFC 8945 §5.3.2).
        error: Rcode,
        /// Other Data (with BADTIME, the server's time).
        other: &'a [u8],
    },
    /// AVC (IANA, type 258): TXT's layout.
    Avc(CharStrings<'a>),
    /// No RDATA, in an UPDATE message with class ANY or NONE (RFC 2136 §2.4, §2.5):
    /// an RRset (or with type ANY, a name) to test for or delete. Only the record
    /// walk of an UPDATE and [`RecordBuf`](crate::RecordBuf) make it;
    /// [`RData::parse`] never does. Prints as nothing.
    Empty(Type),
    /// OPT (RFC 6891 §6.1.2): the EDNS options.
    Opt(EdnsOptions<'a>),
    /// Any other type, kept as octets (RFC 3597 §5).
    Unknown {
        /// The record's TYPE.
        rtype: Type,
        /// RDATA.
        data: &'a [u8],
    },
}

/// A bounded read of RDATA fields inside the whole message.
pub(crate) struct Cursor<'a> {
    pub(crate) msg: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) end: usize,
}

impl<'a> Cursor<'a> {
    #[inline(always)]
    fn take(&mut self, n: usize, field: &'static str) -> Result<usize> {
        let at = self.pos;
        if self.end - at < n {
            return Err(Error::truncated(field, at, at + n, self.end));
        }
        self.pos = at + n;
        Ok(at)
    }
    #[inline(always)]
    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8> {
        let at = self.take(1, field)?;
        Ok(self.msg[at])
    }
    #[inline(always)]
    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16> {
        let at = self.take(2, field)?;
        Ok(read_u16(self.msg, at))
    }
    #[inline(always)]
    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        let at = self.take(4, field)?;
        Ok(read_u32(self.msg, at))
    }
    #[inline(always)]
    pub(crate) fn bytes(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        let at = self.take(n, field)?;
        Ok(&self.msg[at..at + n])
    }
    /// A length-prefixed string (RFC 1035 §3.3).
    #[inline(always)]
    pub(crate) fn char_string(&mut self, field: &'static str) -> Result<&'a [u8]> {
        let len = self.u8(field)?;
        self.bytes(usize::from(len), field)
    }
    #[inline(always)]
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let at = self.pos;
        self.pos = self.end;
        &self.msg[at..self.end]
    }
    #[inline(always)]
    fn name(&mut self, field: &'static str, compressed: bool) -> Result<Name<'a>> {
        let (name, end) = if compressed {
            Name::parse(self.msg, self.pos, field)?
        } else {
            Name::parse_uncompressed(self.msg, self.pos, field)?
        };
        if end > self.end {
            return Err(Error::malformed(field, self.pos, RULE_NAME_PAST));
        }
        self.pos = end;
        Ok(name)
    }
    #[inline(always)]
    fn finish<T>(&self, value: T) -> Result<T> {
        if self.pos != self.end {
            return Err(Error::malformed("rdata", self.pos, RULE_LONGER));
        }
        Ok(value)
    }
}

impl<'a> RData<'a> {
    /// Decodes the `len` octets of RDATA at `start` in `msg` (the whole message, so
    /// compressed names resolve) as type `rtype`. The caller has checked that
    /// `start + len` is within `msg`; errors count offsets from the start of `msg`.
    ///
    /// # Errors
    /// - `Truncated` with the field's name (e.g. "preference", "exchange",
    ///   "txt") when a field runs past RDLENGTH;
    /// - `Malformed` "rdata" at the first octet after the fields when RDLENGTH is
    ///   longer than they are (and for A, AAAA, EUI48 and EUI64 of the wrong length);
    /// - the [`Name`] errors, with the RDATA field's name ("nsdname", "cname",
    ///   "target", "signer", ...), a pointer where RFC 3597 §4 forbids one among
    ///   them, and `Malformed` when a name ends past RDLENGTH;
    /// - `Malformed` "txt" ("spf", "avc") for an empty TXT (SPF, AVC), "digest" for a
    ///   ZONEMD digest under 12 octets (RFC 8976 §2.2.4), and the errors of the type
    ///   bit maps ("type bitmaps"), SvcParams ("svcparams") and EDNS options
    ///   ("option length").
    pub fn parse(msg: &'a [u8], start: usize, len: usize, rtype: Type) -> Result<Self> {
        let end = start.saturating_add(len);
        if end > msg.len() {
            return Err(Error::truncated("rdata", start, end, msg.len()));
        }
        let mut c = Cursor { msg, pos: start, end };
        let rdata = match rtype {
            Type::A => {
                c.take(4, "rdata")?;
                RData::A(Ipv4Addr::from(read_array::<4>(msg, start)))
            }
            Type::AAAA => {
                c.take(16, "rdata")?;
                RData::Aaaa(Ipv6Addr::from(read_array::<16>(msg, start)))
            }
            Type::NS => RData::Ns(c.name("nsdname", true)?),
            Type::CNAME => RData::Cname(c.name("cname", true)?),
            Type::PTR => RData::Ptr(c.name("ptrdname", true)?),
            Type::DNAME => RData::Dname(c.name("dname", false)?),
            Type::MX => {
                let preference = c.u16("preference")?;
                RData::Mx { preference, exchange: c.name("exchange", true)? }
            }
            Type::SOA => parse_soa(&mut c)?,
            Type::TXT => {
                let data = c.rest();
                if data.is_empty() {
                    return Err(Error::malformed("txt", start, RULE_TXT_EMPTY));
                }
                RData::Txt(CharStrings::parse(data, start, "txt")?)
            }
            Type::HINFO => RData::Hinfo { cpu: c.char_string("cpu")?, os: c.char_string("os")? },
            Type::SRV => RData::Srv {
                priority: c.u16("priority")?,
                weight: c.u16("weight")?,
                port: c.u16("port")?,
                target: c.name("target", true)?,
            },
            Type::NAPTR => RData::Naptr {
                order: c.u16("order")?,
                preference: c.u16("preference")?,
                flags: c.char_string("flags")?,
                services: c.char_string("services")?,
                regexp: c.char_string("regexp")?,
                replacement: c.name("replacement", true)?,
            },
            Type::CAA => parse_caa(&mut c)?,
            Type::SVCB | Type::HTTPS => parse_svcb(&mut c, rtype)?,
            Type::DS => RData::Ds {
                key_tag: c.u16("key_tag")?,
                algorithm: c.u8("algorithm")?,
                digest_type: c.u8("digest_type")?,
                digest: c.rest(),
            },
            Type::DNSKEY => RData::Dnskey {
                flags: c.u16("flags")?,
                protocol: c.u8("protocol")?,
                algorithm: c.u8("algorithm")?,
                public_key: c.rest(),
            },
            Type::RRSIG => parse_rrsig(&mut c)?,
            Type::NSEC => {
                let next = c.name("next", false)?;
                let at = c.pos;
                RData::Nsec { next, types: TypeBitmaps::parse(c.rest(), at)? }
            }
            Type::NSEC3 => parse_nsec3(&mut c)?,
            Type::OPT => {
                let data = c.rest();
                RData::Opt(EdnsOptions::parse(data, start)?)
            }
            _ => more::parse(&mut c, rtype)?,
        };
        c.finish(rdata)
    }
}

fn parse_soa<'a>(c: &mut Cursor<'a>) -> Result<RData<'a>> {
    Ok(RData::Soa {
        mname: c.name("mname", true)?,
        rname: c.name("rname", true)?,
        serial: c.u32("serial")?,
        refresh: c.u32("refresh")?,
        retry: c.u32("retry")?,
        expire: c.u32("expire")?,
        minimum: c.u32("minimum")?,
    })
}

fn parse_caa<'a>(c: &mut Cursor<'a>) -> Result<RData<'a>> {
    let flags = c.u8("flags")?;
    let at = c.pos;
    let tag = c.char_string("tag")?;
    // RFC 8659 §4.1: the tag is 1 to 15 letters and digits.
    if tag.is_empty() || tag.len() > 15 || !tag.iter().all(u8::is_ascii_alphanumeric) {
        return Err(Error::malformed("tag", at, "RFC 8659 §4.1: a tag is 1-15 letters and digits"));
    }
    Ok(RData::Caa { flags, tag, value: c.rest() })
}

fn parse_svcb<'a>(c: &mut Cursor<'a>, rtype: Type) -> Result<RData<'a>> {
    let priority = c.u16("priority")?;
    let target = c.name("target", false)?;
    let at = c.pos;
    let params = SvcParams::parse(c.rest(), at)?;
    Ok(if rtype == Type::HTTPS {
        RData::Https { priority, target, params }
    } else {
        RData::Svcb { priority, target, params }
    })
}

fn parse_rrsig<'a>(c: &mut Cursor<'a>) -> Result<RData<'a>> {
    Ok(RData::Rrsig {
        type_covered: Type(c.u16("type_covered")?),
        algorithm: c.u8("algorithm")?,
        labels: c.u8("labels")?,
        original_ttl: c.u32("original_ttl")?,
        expiration: c.u32("expiration")?,
        inception: c.u32("inception")?,
        key_tag: c.u16("key_tag")?,
        signer: c.name("signer", false)?,
        signature: c.rest(),
    })
}

fn parse_nsec3<'a>(c: &mut Cursor<'a>) -> Result<RData<'a>> {
    let hash_algorithm = c.u8("hash_algorithm")?;
    let flags = c.u8("flags")?;
    let iterations = c.u16("iterations")?;
    let salt = c.char_string("salt")?;
    let at = c.pos;
    let next_hashed = c.char_string("next_hashed")?;
    // RFC 5155 §3.2: the hash length is 1 to 255 octets.
    if next_hashed.is_empty() {
        return Err(Error::malformed("next_hashed", at, "RFC 5155 §3.2: the hash is not empty"));
    }
    let at = c.pos;
    let types = TypeBitmaps::parse(c.rest(), at)?;
    Ok(RData::Nsec3 { hash_algorithm, flags, iterations, salt, next_hashed, types })
}

impl RData<'_> {
    /// The TYPE this RDATA is for.
    pub fn rtype(&self) -> Type {
        match *self {
            RData::A(_) => Type::A,
            RData::Aaaa(_) => Type::AAAA,
            RData::Ns(_) => Type::NS,
            RData::Cname(_) => Type::CNAME,
            RData::Dname(_) => Type::DNAME,
            RData::Ptr(_) => Type::PTR,
            RData::Soa { .. } => Type::SOA,
            RData::Mx { .. } => Type::MX,
            RData::Txt(_) => Type::TXT,
            RData::Hinfo { .. } => Type::HINFO,
            RData::Srv { .. } => Type::SRV,
            RData::Naptr { .. } => Type::NAPTR,
            RData::Caa { .. } => Type::CAA,
            RData::Svcb { .. } => Type::SVCB,
            RData::Https { .. } => Type::HTTPS,
            RData::Ds { .. } => Type::DS,
            RData::Dnskey { .. } => Type::DNSKEY,
            RData::Rrsig { .. } => Type::RRSIG,
            RData::Nsec { .. } => Type::NSEC,
            RData::Nsec3 { .. } => Type::NSEC3,
            RData::Nsec3param { .. } => Type::NSEC3PARAM,
            RData::Spf(_) => Type::SPF,
            RData::Rp { .. } => Type::RP,
            RData::Afsdb { .. } => Type::AFSDB,
            RData::Kx { .. } => Type::KX,
            RData::Cert { .. } => Type::CERT,
            RData::Sshfp { .. } => Type::SSHFP,
            RData::Dhcid(_) => Type::DHCID,
            RData::Tlsa { .. } => Type::TLSA,
            RData::Smimea { .. } => Type::SMIMEA,
            RData::Cds { .. } => Type::CDS,
            RData::Cdnskey { .. } => Type::CDNSKEY,
            RData::Openpgpkey(_) => Type::OPENPGPKEY,
            RData::Csync { .. } => Type::CSYNC,
            RData::Zonemd { .. } => Type::ZONEMD,
            RData::Nid { .. } => Type::NID,
            RData::L32 { .. } => Type::L32,
            RData::L64 { .. } => Type::L64,
            RData::Lp { .. } => Type::LP,
            RData::Eui48(_) => Type::EUI48,
            RData::Eui64(_) => Type::EUI64,
            RData::Uri { .. } => Type::URI,
            RData::Tsig { .. } => Type::TSIG,
            RData::Avc(_) => Type::AVC,
            RData::Empty(rtype) => rtype,
            RData::Opt(_) => Type::OPT,
            RData::Unknown { rtype, .. } => rtype,
        }
    }
}

//! The code points of the header and records: [`Type`], [`Class`], [`Opcode`],
//! [`Rcode`], each printing its mnemonic or the RFC 3597 §5 generic form.

use core::fmt;
use core::str::FromStr;

use wirestate_wire::Error;

macro_rules! mnemonics {
    ($ty:ident, $inner:ty, $generic:literal, $( $(#[$doc:meta])* $name:ident = $value:literal => $text:literal ),* $(,)?) => {
        impl $ty {
            $( $(#[$doc])* pub const $name: $ty = $ty($value); )*

            /// The mnemonic, where one is registered.
            pub fn mnemonic(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($text), )*
                    _ => None,
                }
            }

            /// Looks a mnemonic up, ignoring ASCII case.
            pub fn from_mnemonic(s: &str) -> Option<Self> {
                $( if s.eq_ignore_ascii_case($text) { return Some($ty($value)); } )*
                None
            }
        }

        impl fmt::Display for $ty {
            /// The mnemonic, or the generic form (`TYPE65280`, `CLASS3`).
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.mnemonic() {
                    Some(m) => f.write_str(m),
                    None => write!(f, concat!($generic, "{}"), self.0),
                }
            }
        }

        impl FromStr for $ty {
            type Err = Error;
            /// A mnemonic (any case) or the generic form; anything else is
            /// `Malformed` with field `stringify!($ty)` at offset 0.
            fn from_str(s: &str) -> Result<Self, Error> {
                if let Some(t) = Self::from_mnemonic(s) {
                    return Ok(t);
                }
                let generic = s.get(..$generic.len()).filter(|p| p.eq_ignore_ascii_case($generic));
                match generic.and_then(|_| s.get($generic.len()..)).map(str::parse::<$inner>) {
                    Some(Ok(v)) => Ok($ty(v)),
                    _ => Err(Error::malformed($generic, 0, "unknown mnemonic (RFC 3597 §5)")),
                }
            }
        }
    };
}

/// A resource record TYPE (RFC 1035 §3.2.2), with a mnemonic for every entry of IANA's
/// "Resource Record (RR) TYPEs" registry (as of 2025; `NSAP-PTR` with its hyphen, 255
/// as `ANY` the way dig and dnspython print it rather than IANA's `*`).
///
/// ```
/// use wirestate_dns::Type;
/// assert_eq!(Type::MX.to_string(), "MX");
/// assert_eq!(Type(44).to_string(), "SSHFP");
/// assert_eq!("nsap-ptr".parse::<Type>().unwrap(), Type::NSAP_PTR);
/// assert_eq!(Type(65280).to_string(), "TYPE65280");
/// assert_eq!("aaaa".parse::<Type>().unwrap(), Type::AAAA);
/// assert_eq!("TYPE1".parse::<Type>().unwrap(), Type::A);
/// assert!("NOPE".parse::<Type>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Type(pub u16);

mnemonics! { Type, u16, "TYPE",
    /// IPv4 address (RFC 1035 §3.4.1).
    A = 1 => "A",
    /// Authoritative name server (RFC 1035 §3.3.11).
    NS = 2 => "NS",
    /// Mail destination (RFC 1035 §3.3.4), obsolete.
    MD = 3 => "MD",
    /// Mail forwarder (RFC 1035 §3.3.5), obsolete.
    MF = 4 => "MF",
    /// Canonical name (RFC 1035 §3.3.1).
    CNAME = 5 => "CNAME",
    /// Start of authority (RFC 1035 §3.3.13).
    SOA = 6 => "SOA",
    /// Mailbox domain name (RFC 1035 §3.3.3), experimental.
    MB = 7 => "MB",
    /// Mail group member (RFC 1035 §3.3.6), experimental.
    MG = 8 => "MG",
    /// Mail rename (RFC 1035 §3.3.8), experimental.
    MR = 9 => "MR",
    /// Null record (RFC 1035 §3.3.10): any octets, printed in the RFC 3597 §5 form.
    NULL = 10 => "NULL",
    /// Well-known services (RFC 1035 §3.4.2).
    WKS = 11 => "WKS",
    /// Domain name pointer (RFC 1035 §3.3.12).
    PTR = 12 => "PTR",
    /// Host information (RFC 1035 §3.3.2).
    HINFO = 13 => "HINFO",
    /// Mailbox information (RFC 1035 §3.3.7).
    MINFO = 14 => "MINFO",
    /// Mail exchange (RFC 1035 §3.3.9).
    MX = 15 => "MX",
    /// Text strings (RFC 1035 §3.3.14).
    TXT = 16 => "TXT",
    /// Responsible person (RFC 1183 §2.2).
    RP = 17 => "RP",
    /// AFS database location (RFC 1183 §1).
    AFSDB = 18 => "AFSDB",
    /// X.25 address (RFC 1183 §3.1).
    X25 = 19 => "X25",
    /// ISDN address (RFC 1183 §3.2).
    ISDN = 20 => "ISDN",
    /// Route through (RFC 1183 §3.3).
    RT = 21 => "RT",
    /// NSAP address (RFC 1706).
    NSAP = 22 => "NSAP",
    /// NSAP pointer (RFC 1706), printed `NSAP-PTR`.
    NSAP_PTR = 23 => "NSAP-PTR",
    /// Signature (RFC 2536, RFC 2931).
    SIG = 24 => "SIG",
    /// Key (RFC 2536, RFC 2930).
    KEY = 25 => "KEY",
    /// X.400 mapping (RFC 2163).
    PX = 26 => "PX",
    /// Geographical position (RFC 1712).
    GPOS = 27 => "GPOS",
    /// IPv6 address (RFC 3596).
    AAAA = 28 => "AAAA",
    /// Location (RFC 1876).
    LOC = 29 => "LOC",
    /// Next domain (RFC 2535), obsolete.
    NXT = 30 => "NXT",
    /// Endpoint identifier (IANA).
    EID = 31 => "EID",
    /// Nimrod locator (IANA).
    NIMLOC = 32 => "NIMLOC",
    /// Service location (RFC 2782).
    SRV = 33 => "SRV",
    /// ATM address (IANA).
    ATMA = 34 => "ATMA",
    /// Naming authority pointer (RFC 3403).
    NAPTR = 35 => "NAPTR",
    /// Key exchanger (RFC 2230).
    KX = 36 => "KX",
    /// Certificate (RFC 4398).
    CERT = 37 => "CERT",
    /// IPv6 address in parts (RFC 2874), historic.
    A6 = 38 => "A6",
    /// Delegation name (RFC 6672).
    DNAME = 39 => "DNAME",
    /// Kitchen sink (IANA).
    SINK = 40 => "SINK",
    /// EDNS(0) pseudo-record (RFC 6891).
    OPT = 41 => "OPT",
    /// Address prefix list (RFC 3123).
    APL = 42 => "APL",
    /// Delegation signer (RFC 4034 §5).
    DS = 43 => "DS",
    /// SSH key fingerprint (RFC 4255).
    SSHFP = 44 => "SSHFP",
    /// IPsec key (RFC 4025).
    IPSECKEY = 45 => "IPSECKEY",
    /// DNSSEC signature (RFC 4034 §3).
    RRSIG = 46 => "RRSIG",
    /// Next secure (RFC 4034 §4).
    NSEC = 47 => "NSEC",
    /// DNS public key (RFC 4034 §2).
    DNSKEY = 48 => "DNSKEY",
    /// DHCP identifier (RFC 4701).
    DHCID = 49 => "DHCID",
    /// Hashed next secure (RFC 5155).
    NSEC3 = 50 => "NSEC3",
    /// NSEC3 parameters (RFC 5155).
    NSEC3PARAM = 51 => "NSEC3PARAM",
    /// TLS certificate association (RFC 6698).
    TLSA = 52 => "TLSA",
    /// S/MIME certificate association (RFC 8162).
    SMIMEA = 53 => "SMIMEA",
    /// Host identity protocol (RFC 8005).
    HIP = 55 => "HIP",
    /// Zone status information (IANA).
    NINFO = 56 => "NINFO",
    /// Resource key (IANA).
    RKEY = 57 => "RKEY",
    /// Trust anchor link (IANA).
    TALINK = 58 => "TALINK",
    /// Child DS (RFC 7344 §3.1).
    CDS = 59 => "CDS",
    /// Child DNSKEY (RFC 7344 §3.2).
    CDNSKEY = 60 => "CDNSKEY",
    /// OpenPGP public key (RFC 7929).
    OPENPGPKEY = 61 => "OPENPGPKEY",
    /// Child-to-parent synchronisation (RFC 7477).
    CSYNC = 62 => "CSYNC",
    /// Zone message digest (RFC 8976).
    ZONEMD = 63 => "ZONEMD",
    /// Service binding (RFC 9460).
    SVCB = 64 => "SVCB",
    /// HTTPS service binding (RFC 9460).
    HTTPS = 65 => "HTTPS",
    /// Endpoint for generalized notifications (IANA).
    DSYNC = 66 => "DSYNC",
    /// DRIP hierarchical host identity tag (IANA).
    HHIT = 67 => "HHIT",
    /// DRIP broadcast remote ID (IANA).
    BRID = 68 => "BRID",
    /// Sender policy framework (RFC 7208), obsolete.
    SPF = 99 => "SPF",
    /// User information (IANA reserved).
    UINFO = 100 => "UINFO",
    /// User ID (IANA reserved).
    UID = 101 => "UID",
    /// Group ID (IANA reserved).
    GID = 102 => "GID",
    /// Unspecified (IANA reserved).
    UNSPEC = 103 => "UNSPEC",
    /// ILNP node identifier (RFC 6742).
    NID = 104 => "NID",
    /// ILNP 32-bit locator (RFC 6742).
    L32 = 105 => "L32",
    /// ILNP 64-bit locator (RFC 6742).
    L64 = 106 => "L64",
    /// ILNP locator pointer (RFC 6742).
    LP = 107 => "LP",
    /// 48-bit extended unique identifier (RFC 7043).
    EUI48 = 108 => "EUI48",
    /// 64-bit extended unique identifier (RFC 7043).
    EUI64 = 109 => "EUI64",
    /// Non-existent name, in NSEC type bit maps (compact denial, IANA).
    NXNAME = 128 => "NXNAME",
    /// Transaction key (RFC 2930), meta-type.
    TKEY = 249 => "TKEY",
    /// Transaction signature (RFC 8945), meta-type.
    TSIG = 250 => "TSIG",
    /// Incremental zone transfer (RFC 1995), QTYPE only.
    IXFR = 251 => "IXFR",
    /// Zone transfer (RFC 1035), QTYPE only.
    AXFR = 252 => "AXFR",
    /// Mailbox-related records (RFC 1035), QTYPE only.
    MAILB = 253 => "MAILB",
    /// Mail agent records (RFC 1035), obsolete QTYPE.
    MAILA = 254 => "MAILA",
    /// Any type (RFC 1035 §3.2.3, RFC 8482), QTYPE only; IANA's `*`.
    ANY = 255 => "ANY",
    /// Uniform resource identifier (RFC 7553).
    URI = 256 => "URI",
    /// Certification authority authorization (RFC 8659).
    CAA = 257 => "CAA",
    /// Application visibility and control (IANA): TXT's layout.
    AVC = 258 => "AVC",
    /// Digital object architecture (IANA).
    DOA = 259 => "DOA",
    /// Automatic multicast tunneling relay (RFC 8777).
    AMTRELAY = 260 => "AMTRELAY",
    /// Resolver information as key/value pairs (RFC 9606).
    RESINFO = 261 => "RESINFO",
    /// Public wallet address (IANA).
    WALLET = 262 => "WALLET",
    /// Bundle protocol convergence layer adapter (IANA).
    CLA = 263 => "CLA",
    /// Bundle protocol node number (IANA).
    IPN = 264 => "IPN",
    /// DNSSEC trust authorities (IANA).
    TA = 32768 => "TA",
    /// DNSSEC lookaside validation (RFC 8749), historic.
    DLV = 32769 => "DLV",
}

/// A CLASS (RFC 1035 §3.2.4); in an OPT record the field holds the UDP size instead.
///
/// ```
/// use wirestate_dns::Class;
/// assert_eq!(Class::IN.to_string(), "IN");
/// assert_eq!(Class(3).to_string(), "CH");
/// assert_eq!(Class(5).to_string(), "CLASS5");
/// assert!("CLASSX".parse::<Class>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Class(pub u16);

mnemonics! { Class, u16, "CLASS",
    /// The Internet.
    IN = 1 => "IN",
    /// Chaos (RFC 1035 §3.2.4).
    CH = 3 => "CH",
    /// Hesiod.
    HS = 4 => "HS",
    /// NONE (RFC 2136 §2.4), in updates.
    NONE = 254 => "NONE",
    /// Any class (RFC 1035 §3.2.5), QCLASS only.
    ANY = 255 => "ANY",
}

/// The 4-bit header OPCODE (RFC 1035 §4.1.1, IANA "DNS OpCodes").
///
/// ```
/// use wirestate_dns::Opcode;
/// assert_eq!(Opcode::QUERY.to_string(), "QUERY");
/// assert_eq!(Opcode(7).to_string(), "7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Opcode(pub u8);

impl Opcode {
    /// A standard query.
    pub const QUERY: Opcode = Opcode(0);
    /// Inverse query (obsolete, RFC 3425).
    pub const IQUERY: Opcode = Opcode(1);
    /// Server status request.
    pub const STATUS: Opcode = Opcode(2);
    /// Zone change notification (RFC 1996).
    pub const NOTIFY: Opcode = Opcode(4);
    /// Dynamic update (RFC 2136).
    pub const UPDATE: Opcode = Opcode(5);
    /// DNS stateful operations (RFC 8490).
    pub const DSO: Opcode = Opcode(6);

    /// The mnemonic, where one is registered.
    pub fn mnemonic(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "QUERY",
            1 => "IQUERY",
            2 => "STATUS",
            4 => "NOTIFY",
            5 => "UPDATE",
            6 => "DSO",
            _ => return None,
        })
    }
}

impl fmt::Display for Opcode {
    /// The mnemonic, or the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Opcode {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Opcode(u.int_in_range(0..=15)?))
    }
}

/// A response code: the 4 header bits, extended to 12 by EDNS(0) (RFC 6891 §6.1.3).
///
/// Prints its mnemonic from IANA's "DNS RCODEs" registry, or the bare number where
/// there is none, as dnspython and dig do (and as Opcode prints).
///
/// ```
/// use wirestate_dns::Rcode;
/// assert_eq!(Rcode::NXDOMAIN.to_string(), "NXDOMAIN");
/// assert_eq!(Rcode(16).to_string(), "BADVERS");
/// assert_eq!(Rcode(12).to_string(), "12");
/// assert_eq!(Rcode(3841).to_string(), "3841");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rcode(pub u16);

impl Rcode {
    /// No error.
    pub const NOERROR: Rcode = Rcode(0);
    /// Format error.
    pub const FORMERR: Rcode = Rcode(1);
    /// Server failure.
    pub const SERVFAIL: Rcode = Rcode(2);
    /// Non-existent domain.
    pub const NXDOMAIN: Rcode = Rcode(3);
    /// Not implemented.
    pub const NOTIMP: Rcode = Rcode(4);
    /// Query refused.
    pub const REFUSED: Rcode = Rcode(5);
    /// A name exists that should not (RFC 2136 §2.2).
    pub const YXDOMAIN: Rcode = Rcode(6);
    /// An RRset exists that should not (RFC 2136 §2.2).
    pub const YXRRSET: Rcode = Rcode(7);
    /// An RRset that should exist does not (RFC 2136 §2.2).
    pub const NXRRSET: Rcode = Rcode(8);
    /// Not authoritative (RFC 2136 §2.2), or not authorized (RFC 8945 §5.3.2).
    pub const NOTAUTH: Rcode = Rcode(9);
    /// A name is not within the zone (RFC 2136 §2.2).
    pub const NOTZONE: Rcode = Rcode(10);
    /// DSO-TYPE not implemented (RFC 8490 §10.2).
    pub const DSOTYPENI: Rcode = Rcode(11);
    /// Bad EDNS version (RFC 6891 §9); as a TSIG error, BADSIG (RFC 8945 §5.3.2).
    pub const BADVERS: Rcode = Rcode(16);
    /// TSIG key not recognised (RFC 8945 §5.3.2).
    pub const BADKEY: Rcode = Rcode(17);
    /// TSIG signature out of its time window (RFC 8945 §5.3.2).
    pub const BADTIME: Rcode = Rcode(18);
    /// Bad TKEY mode (RFC 2930 §2.6).
    pub const BADMODE: Rcode = Rcode(19);
    /// Duplicate key name (RFC 2930 §2.6).
    pub const BADNAME: Rcode = Rcode(20);
    /// Algorithm not supported (RFC 2930 §2.6).
    pub const BADALG: Rcode = Rcode(21);
    /// Bad truncation (RFC 8945 §5.3.2).
    pub const BADTRUNC: Rcode = Rcode(22);
    /// Bad or missing server cookie (RFC 7873 §8).
    pub const BADCOOKIE: Rcode = Rcode(23);

    /// Looks a mnemonic up, ignoring ASCII case; `BADSIG` (TSIG's name for 16,
    /// RFC 8945 §5.3.2) is 16 too.
    ///
    /// ```
    /// use wirestate_dns::Rcode;
    /// assert_eq!(Rcode::from_mnemonic("nxdomain"), Some(Rcode::NXDOMAIN));
    /// assert_eq!(Rcode::from_mnemonic("BADSIG"), Some(Rcode::BADVERS));
    /// assert_eq!(Rcode::from_mnemonic("RCODE12"), None);
    /// ```
    pub fn from_mnemonic(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("BADSIG") {
            return Some(Rcode::BADVERS);
        }
        (0..=23).map(Rcode).find(|r| r.mnemonic().is_some_and(|m| m.eq_ignore_ascii_case(s)))
    }

    /// The mnemonic, where one is registered (16 is BADVERS, not its TSIG alias
    /// BADSIG, as dig and dnspython print it).
    pub fn mnemonic(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NOERROR",
            1 => "FORMERR",
            2 => "SERVFAIL",
            3 => "NXDOMAIN",
            4 => "NOTIMP",
            5 => "REFUSED",
            6 => "YXDOMAIN",
            7 => "YXRRSET",
            8 => "NXRRSET",
            9 => "NOTAUTH",
            10 => "NOTZONE",
            11 => "DSOTYPENI",
            16 => "BADVERS",
            17 => "BADKEY",
            18 => "BADTIME",
            19 => "BADMODE",
            20 => "BADNAME",
            21 => "BADALG",
            22 => "BADTRUNC",
            23 => "BADCOOKIE",
            _ => return None,
        })
    }
}

impl fmt::Display for Rcode {
    /// The mnemonic, or the number (`12`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "{}", self.0),
        }
    }
}

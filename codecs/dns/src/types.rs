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

/// A resource record TYPE (RFC 1035 §3.2.2, IANA "Resource Record (RR) TYPEs").
///
/// ```
/// use wirestate_dns::Type;
/// assert_eq!(Type::MX.to_string(), "MX");
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
    /// Canonical name (RFC 1035 §3.3.1).
    CNAME = 5 => "CNAME",
    /// Start of authority (RFC 1035 §3.3.13).
    SOA = 6 => "SOA",
    /// Domain name pointer (RFC 1035 §3.3.12).
    PTR = 12 => "PTR",
    /// Host information (RFC 1035 §3.3.2).
    HINFO = 13 => "HINFO",
    /// Mail exchange (RFC 1035 §3.3.9).
    MX = 15 => "MX",
    /// Text strings (RFC 1035 §3.3.14).
    TXT = 16 => "TXT",
    /// IPv6 address (RFC 3596).
    AAAA = 28 => "AAAA",
    /// Service location (RFC 2782).
    SRV = 33 => "SRV",
    /// Naming authority pointer (RFC 3403).
    NAPTR = 35 => "NAPTR",
    /// Delegation name (RFC 6672).
    DNAME = 39 => "DNAME",
    /// EDNS(0) pseudo-record (RFC 6891).
    OPT = 41 => "OPT",
    /// Delegation signer (RFC 4034 §5).
    DS = 43 => "DS",
    /// DNSSEC signature (RFC 4034 §3).
    RRSIG = 46 => "RRSIG",
    /// Next secure (RFC 4034 §4).
    NSEC = 47 => "NSEC",
    /// DNS public key (RFC 4034 §2).
    DNSKEY = 48 => "DNSKEY",
    /// Hashed next secure (RFC 5155).
    NSEC3 = 50 => "NSEC3",
    /// NSEC3 parameters (RFC 5155).
    NSEC3PARAM = 51 => "NSEC3PARAM",
    /// Service binding (RFC 9460).
    SVCB = 64 => "SVCB",
    /// HTTPS service binding (RFC 9460).
    HTTPS = 65 => "HTTPS",
    /// Incremental zone transfer (RFC 1995), QTYPE only.
    IXFR = 251 => "IXFR",
    /// Zone transfer (RFC 1035), QTYPE only.
    AXFR = 252 => "AXFR",
    /// Any type (RFC 1035 §3.2.3, RFC 8482), QTYPE only.
    ANY = 255 => "ANY",
    /// Certification authority authorization (RFC 8659).
    CAA = 257 => "CAA",
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
/// ```
/// use wirestate_dns::Rcode;
/// assert_eq!(Rcode::NXDOMAIN.to_string(), "NXDOMAIN");
/// assert_eq!(Rcode(16).to_string(), "BADVERS");
/// assert_eq!(Rcode(3841).to_string(), "RCODE3841");
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
    /// Bad EDNS version (RFC 6891 §9).
    pub const BADVERS: Rcode = Rcode(16);

    /// The mnemonic, where one is registered.
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
            23 => "BADCOOKIE",
            _ => return None,
        })
    }
}

impl fmt::Display for Rcode {
    /// The mnemonic, or `RCODE` and the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "RCODE{}", self.0),
        }
    }
}

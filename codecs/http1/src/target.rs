//! The four forms of a request-target (RFC 9112 §3.2).

use wirestate_wire::{Error, Result};

use crate::url::{host_port, path_query_fragment};
use crate::{Host, Url};

/// A request-target, by form (RFC 9112 §3.2).
///
/// ```
/// use wirestate_http1::{Host, RequestTarget};
/// assert_eq!(
///     RequestTarget::parse("GET", "/where?q=now").unwrap(),
///     RequestTarget::Origin { path: "/where", query: Some("q=now") }
/// );
/// let t = RequestTarget::parse("CONNECT", "www.example.test:443").unwrap();
/// assert_eq!(t, RequestTarget::Authority { host: Host::Name("www.example.test"), port: 443 });
/// assert_eq!(RequestTarget::parse("OPTIONS", "*").unwrap(), RequestTarget::Asterisk);
/// assert!(matches!(RequestTarget::parse("GET", "http://a.test/x").unwrap(), RequestTarget::Absolute(_)));
///
/// // "*" is for OPTIONS only.
/// let err = RequestTarget::parse("GET", "*").unwrap_err();
/// assert_eq!((err.field(), err.offset()), ("request-target", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestTarget<'a> {
    /// `absolute-path [ "?" query ]` (RFC 9112 §3.2.1), the usual form.
    Origin {
        /// The path, starting with `/`.
        path: &'a str,
        /// The query, without `?`.
        query: Option<&'a str>,
    },
    /// `absolute-URI` (RFC 9112 §3.2.2), sent to proxies.
    Absolute(Url<'a>),
    /// `uri-host ":" port` (RFC 9112 §3.2.3), for CONNECT only.
    Authority {
        /// The host.
        host: Host<'a>,
        /// The port (required).
        port: u16,
    },
    /// `*` (RFC 9112 §3.2.4), for a server-wide OPTIONS only.
    Asterisk,
}

impl<'a> RequestTarget<'a> {
    /// Parses `target` as the form `method` calls for: authority-form for CONNECT,
    /// `*` only with OPTIONS, else origin-form (starts with `/`) or absolute-form.
    ///
    /// # Errors
    /// `Malformed` "request-target" for a form the method does not allow, and the
    /// [`Url::parse`] errors ("scheme", "host", "port", "path", "query") with offsets
    /// inside `target`; a fragment is refused ("fragment": RFC 9112 §3.2 has none).
    pub fn parse(method: &str, target: &'a str) -> Result<Self> {
        let form_err = |rule| Err(Error::malformed("request-target", 0, rule));
        if method == "CONNECT" {
            let (host, port) = host_port(target, 0, target.len())?;
            return match port {
                Some(port) => Ok(RequestTarget::Authority { host, port }),
                None => Err(Error::malformed(
                    "port",
                    target.len(),
                    "RFC 9112 §3.2.3: CONNECT names a port",
                )),
            };
        }
        if target == "*" {
            return if method == "OPTIONS" {
                Ok(RequestTarget::Asterisk)
            } else {
                form_err("RFC 9112 §3.2.4: asterisk-form is for OPTIONS only")
            };
        }
        if target.starts_with('/') {
            let (path, query, fragment) = path_query_fragment(target, 0)?;
            if fragment.is_some() {
                return Err(Error::malformed(
                    "fragment",
                    path.len(),
                    "RFC 9112 §3.2: no fragment in a request-target",
                ));
            }
            return Ok(RequestTarget::Origin { path, query });
        }
        if target.is_empty() {
            return form_err("RFC 9112 §3.2: request-target is not empty");
        }
        let url = Url::parse(target)?;
        if url.fragment.is_some() {
            return Err(Error::malformed(
                "fragment",
                target.len(),
                "RFC 9112 §3.2: no fragment in a request-target",
            ));
        }
        Ok(RequestTarget::Absolute(url))
    }
}

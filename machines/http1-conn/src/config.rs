//! Which end of the connection this is, and its limits and deadlines.

use core::time::Duration;

use wirestate_http1::ParserConfig;

/// Which end of the connection the machine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The user agent: sends requests, reads responses.
    Client,
    /// The origin server: reads requests, sends responses.
    Server,
}

/// A connection's role, limits and deadlines. [`Config::client`] and
/// [`Config::server`] are the defaults of each role.
///
/// Every limit says what happens when it is reached; a server answers the
/// statuses RFC 9110 §15 names for them before it closes.
///
/// ```
/// use core::time::Duration;
/// use wirestate_http1_conn::{Config, Role};
/// let c = Config { max_body: 1 << 20, ..Config::server() };
/// assert_eq!(c.role, Role::Server);
/// assert_eq!(c.idle_timeout, Some(Duration::from_secs(60)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Client or server.
    pub role: Role,
    /// How heads and chunked framing are read: strict RFC 9112 with the role's
    /// leniency ([`ParserConfig::SERVER`] skips empty lines before a request-line,
    /// [`ParserConfig::USER_AGENT`] unfolds obs-fold in responses). Its
    /// `max_head_len` (431), `max_line_len` (414 for a request-line, else 431) and
    /// `max_headers` (431) bound every head.
    pub parser: ParserConfig,
    /// The longest body read, in octets: a request over it is answered 413
    /// (Content Too Large, RFC 9110 §15.5.14) and the connection closes; a response
    /// over it ends the connection with [`ConnectionError::BodyTooLarge`].
    ///
    /// [`ConnectionError::BodyTooLarge`]: crate::ConnectionError::BodyTooLarge
    pub max_body: u64,
    /// Server: how many requests are read ahead of their responses. Past it the
    /// machine reads no further request (the bytes wait in the buffer, and once it
    /// is full [`handle_input`](crate::Connection::handle_input) takes no more),
    /// which is how a server bounds a pipelining client without failing it.
    /// Client: how many requests may await their responses; one more is refused
    /// with [`CallError::PipelineFull`](crate::CallError::PipelineFull).
    pub max_pipeline: usize,
    /// The most received octets buffered and not yet read as events. Raised to
    /// `parser.max_head_len + 1` when smaller, so a head can always reach its limit.
    pub recv_buffer: usize,
    /// The most body octets waiting in the output; [`send_data`] takes no more
    /// (it returns how much it took) until [`poll_transmit`] drains them. Heads
    /// and trailers are never refused for room.
    ///
    /// [`send_data`]: crate::Connection::send_data
    /// [`poll_transmit`]: crate::Connection::poll_transmit
    pub send_buffer: usize,
    /// How long a head may take from its first octet to its empty line
    /// ([`Timer::HeadRead`](crate::Timer::HeadRead)); `None` for no limit. A server
    /// answers 408 (Request Timeout, RFC 9110 §15.5.9) and closes: the defence
    /// against a peer that sends a head one octet at a time.
    pub head_timeout: Option<Duration>,
    /// How long a body may go without an octet while one is being read
    /// ([`Timer::BodyRead`](crate::Timer::BodyRead)); `None` for no limit. A
    /// server answers 408 and closes (nginx's `client_body_timeout` is the same
    /// rule), so a peer cannot hold a connection by sending a body slowly or not
    /// at all. It does not run while a client waits for a 100 (Continue).
    pub body_timeout: Option<Duration>,
    /// How long a persistent connection may sit idle between messages
    /// ([`Timer::Idle`](crate::Timer::Idle)) before this end closes it (RFC 9112
    /// §9.8: "A client, server, or proxy MAY close the transport connection at any
    /// time"); `None` to keep it open.
    pub idle_timeout: Option<Duration>,
    /// Client: how long to wait for a 100 (Continue) after sending a head with
    /// `Expect: 100-continue` before sending the body anyway
    /// ([`Timer::Continue`](crate::Timer::Continue), RFC 9110 §10.1.1).
    pub continue_timeout: Duration,
}

impl Config {
    /// A client: [`ParserConfig::USER_AGENT`], 1 GiB bodies, 16 requests in
    /// flight, 1 s for a 100 (curl's wait), no head, body or idle deadline (a
    /// pool sets its own).
    pub fn client() -> Self {
        Config {
            role: Role::Client,
            parser: ParserConfig::USER_AGENT,
            max_body: 1 << 30,
            max_pipeline: 16,
            recv_buffer: 128 * 1024,
            send_buffer: 64 * 1024,
            head_timeout: None,
            body_timeout: None,
            idle_timeout: None,
            continue_timeout: Duration::from_secs(1),
        }
    }

    /// A server: [`ParserConfig::SERVER`], 8 MiB request bodies, 16 requests
    /// read ahead, 30 s for a head, 60 s between body octets and 60 s idle
    /// between requests (nginx's 60 s `client_header_timeout` and
    /// `client_body_timeout` and 75 s `keepalive_timeout` are the same order).
    pub fn server() -> Self {
        Config {
            role: Role::Server,
            parser: ParserConfig::SERVER,
            max_body: 8 << 20,
            max_pipeline: 16,
            recv_buffer: 128 * 1024,
            send_buffer: 64 * 1024,
            head_timeout: Some(Duration::from_secs(30)),
            body_timeout: Some(Duration::from_secs(60)),
            idle_timeout: Some(Duration::from_secs(60)),
            continue_timeout: Duration::from_secs(1),
        }
    }
}

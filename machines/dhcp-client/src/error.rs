//! Calls the client refuses.

/// Why a call on the client was refused. Nothing changed.
///
/// A DHCP client has no failure that ends it, unlike a TCP connection: without a
/// server it keeps retrying within the backoff bounds of RFC 2131 §4.1, and a NAK,
/// an expiry or a conflict sends it back to INIT. So there is no sticky error,
/// only refused calls.
///
/// ```
/// use wirestate_dhcp_client::CallError;
/// assert_eq!(
///     CallError::BufferTooSmall { need: 300 }.to_string(),
///     "transmit buffer too small: need 300 octets"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// `start`, `start_reboot` or `inform` while the client is running: call
    /// `stop` or `release` first.
    #[error("the client is already running")]
    Running,
    /// `release` without a lease to give back.
    #[error("the client holds no lease")]
    NotBound,
    /// The buffer handed to `poll_transmit` is shorter than `need` octets (see
    /// `transmit_buffer_len`); nothing was written and nothing owed was lost.
    #[error("transmit buffer too small: need {need} octets")]
    BufferTooSmall {
        /// The least buffer length `poll_transmit` accepts.
        need: usize,
    },
}

//! What a caller can get wrong: [`CallError`].

/// Why a call on a [`Server`](crate::Server) was refused. Nothing changed.
///
/// A server has no failure of its own to report: whatever arrives is answered,
/// ignored or counted in [`Stats`](crate::Stats), never fatal.
///
/// ```
/// use wirestate_dhcp_server::CallError;
/// assert_eq!(
///     CallError::BufferTooSmall { need: 576 }.to_string(),
///     "transmit buffer too small: need 576 octets"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The buffer handed to `poll_transmit` is shorter than `need` octets (see
    /// `transmit_buffer_len`); nothing was written and no reply was lost.
    #[error("transmit buffer too small: need {need} octets")]
    BufferTooSmall {
        /// The least buffer length `poll_transmit` accepts.
        need: usize,
    },
}

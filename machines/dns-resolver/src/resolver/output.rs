//! Queries as sent: built when `poll_transmit` asks, timed from then.

use core::net::SocketAddr;

use wirestate_dns::{Builder, Class, Header, Opcode};
use wirestate_wire::{Entropy, Instant};

use super::Resolver;
use crate::error::CallError;

/// How a query goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// A UDP datagram from `Transmit::src_port`.
    Udp,
    /// Over a TCP stream to the server; the bytes start with the two-octet
    /// length (RFC 1035 §4.2.2).
    Tcp,
}

/// A query to send: `len` octets at the start of the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// The message length (with the TCP length prefix for `Tcp`).
    pub len: usize,
    /// The server and port (53).
    pub dst: SocketAddr,
    /// The UDP source port to send from (RFC 5452 §4.5: random per query);
    /// replies arrive there. Meaningless for TCP.
    pub src_port: u16,
    /// UDP or TCP.
    pub transport: Transport,
}

/// The longest query: header, a 255-octet name, type and class, OPT, prefix.
const QUERY_MAX: usize = 12 + 255 + 4 + 11 + 2;

impl<R: Entropy> Resolver<R> {
    /// The buffer `poll_transmit` needs.
    pub fn transmit_buffer_len(&self) -> usize {
        QUERY_MAX
    }

    /// The next query to send, written to `buf`.
    ///
    /// # Errors
    /// [`CallError::BufferTooSmall`] below
    /// [`transmit_buffer_len`](Self::transmit_buffer_len); nothing owed is lost.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, CallError> {
        if buf.len() < QUERY_MAX {
            return Err(CallError::BufferTooSmall { need: QUERY_MAX });
        }
        self.run_due(now);
        while let Some(tid) = self.sendq.pop_front() {
            let stub = self.is_stub();
            let udp_size = self.config.edns_udp_size;
            let Some(task) = self.tasks.get_mut(&tid) else { continue };
            let deadline = task.deadline;
            let Some(out) = task.out.as_mut().filter(|o| o.sent_at.is_none()) else { continue };
            let header =
                Header { id: out.id, opcode: Opcode::QUERY, rd: stub, ..Header::default() };
            let built = (|| {
                let mut b = if out.tcp {
                    Builder::new_tcp(buf, &header)?
                } else {
                    Builder::new(buf, &header)?
                };
                b.question(&out.name.as_name(), out.qtype, Class::IN)?;
                if let (true, Some(size)) = (out.edns, udp_size) {
                    b.edns(size, 0, 0, false, &[])?;
                }
                Ok::<usize, wirestate_dns::Error>(b.finish())
            })();
            let Ok(len) = built else { continue };
            out.sent_at = Some(now);
            let server = out.server;
            let wait = if stub {
                stub_wait(self.config.query_timeout)
            } else {
                self.infra.rto(server.ip())
            };
            // The whole resolution's deadline bounds every query's.
            let expires = (now + wait).min(deadline);
            let (src_port, tcp) = (out.port, out.tcp);
            if let Some(o) = self.tasks.get_mut(&tid).and_then(|t| t.out.as_mut()) {
                o.expires = Some(expires);
            }
            self.stats.sent += 1;
            let transport = if tcp { Transport::Tcp } else { Transport::Udp };
            return Ok(Some(Transmit { len, dst: server, src_port, transport }));
        }
        Ok(None)
    }
}

/// A stub's wait per server: resolv.conf's 5 s default would leave no second
/// round inside a 10 s query; a fifth of the query time gives two rounds of
/// two servers.
fn stub_wait(query_timeout: core::time::Duration) -> core::time::Duration {
    query_timeout / 5
}

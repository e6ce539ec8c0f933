//! Header prediction, and the entry point for a segment's wire bytes: the next
//! in-order data segment of an established connection is taken in a few
//! comparisons, and straight from the wire its checksum is summed as its payload
//! is copied into the receive buffer.

use core::net::IpAddr;

use wirestate_tcp::{Flags, Repr, Segment, SeqNumber};
use wirestate_wire::{checksum, Error, Instant};

use super::{Connection, Event, State};

/// What header prediction looks at in a segment.
struct Fast<'a> {
    seq: SeqNumber,
    ack: SeqNumber,
    window: u16,
    flags: Flags,
    tsval: Option<u32>,
    payload: &'a [u8],
}

impl<'a> Fast<'a> {
    /// `None` for a segment without ACK or with SACK blocks.
    #[inline]
    fn from_repr(seg: &Repr<'a>) -> Option<Self> {
        if !seg.sack_ranges.is_empty() {
            return None;
        }
        Some(Fast {
            seq: seg.seq_number,
            ack: seg.ack_number?,
            window: seg.window_len,
            flags: seg.flags,
            tsval: seg.timestamps.map(|(tsval, _)| tsval),
            payload: seg.payload,
        })
    }

    /// Straight from the wire, for a segment with ACK and either no options or
    /// exactly NOP, NOP, timestamps (anything else takes the full parse).
    #[inline]
    fn from_view(seg: &Segment<&'a [u8]>) -> Option<Self> {
        let flags = seg.flags();
        if !flags.contains(Flags::ACK) {
            return None;
        }
        let tsval = match seg.options_ref() {
            [] => None,
            options => Some(wirestate_tcp::aligned_timestamps(options)?.0),
        };
        Some(Fast {
            seq: seg.seq_number(),
            ack: seg.ack_number(),
            window: seg.window_len(),
            flags,
            tsval,
            payload: seg.payload_ref(),
        })
    }
}

impl Connection {
    /// Header prediction (Jacobson's, as BSD and Linux have it): the next
    /// in-order data segment of an established connection, acknowledging
    /// nothing new, in an unchanged window, with nothing out of order on either
    /// side, is handled here in a few comparisons. It does exactly what
    /// [`on_synchronized`](Self::on_synchronized) would do with it (a test runs
    /// both on the same segments); anything else returns `false` for the full
    /// path.
    pub(super) fn predicted(&mut self, now: Instant, seg: &Repr<'_>) -> bool {
        let Some(fast) = Fast::from_repr(seg) else { return false };
        if !self.predictable(&fast) {
            return false;
        }
        let n = self.recv_buf.write(0, fast.payload);
        self.take_predicted(now, &fast, n);
        true
    }

    /// Whether [`predicted`](Self::predicted) takes the segment.
    #[inline]
    fn predictable(&self, seg: &Fast<'_>) -> bool {
        let unusual = Flags::SYN | Flags::FIN | Flags::RST | Flags::URG | Flags::ECE | Flags::CWR;
        let len = seg.payload.len();
        if self.state != State::Established
            || seg.flags.intersects(unusual)
            || seg.ack != self.snd_una
            || seg.seq != self.rcv_nxt
            || len == 0
            || len > self.rcv_wnd() as usize
            || self.snd_wnd == 0
            || (usize::from(seg.window) << self.snd_wscale) != self.snd_wnd
            || self.recovery.is_some()
            || self.pending_fin.is_some()
            || !self.sack_reported.is_empty()
            || self.dsack.is_some()
            || !self.recv_buf.ooo.is_empty()
            || self.persisting()
            || self.probe_due
            || self.persist_backoff != 0
        {
            return false;
        }
        // RFC 7323 §5.3 PAWS passes.
        match (self.ts, seg.tsval) {
            (None, _) => true,
            (Some(ts), Some(tsval)) => (tsval.wrapping_sub(ts.recent) as i32) >= 0,
            (Some(_), None) => false,
        }
    }

    /// The effects of a predicted segment whose `n` payload bytes are now in the
    /// receive buffer at RCV.NXT.
    #[inline]
    fn take_predicted(&mut self, now: Instant, seg: &Fast<'_>, n: usize) {
        // RFC 7323 §4.3: TS.Recent follows a segment that covers the last ACK sent.
        if let (Some(mut ts), Some(tsval)) = (self.ts, seg.tsval) {
            if seg.seq.le(self.last_ack_sent) {
                ts.recent = tsval;
                ts.recent_at = now;
                self.ts = Some(ts);
            }
        }
        // The ACK: nothing new, but the window's sequence bookkeeping still moves
        // (RFC 9293 §3.10.7.4), and the peer is answering.
        let ack = self.snd_una;
        self.probes_unanswered = 0;
        if self.snd_wl1.lt(seg.seq) || (self.snd_wl1 == seg.seq && self.snd_wl2.le(ack)) {
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = ack;
        }
        if self.keepalive_sent > 0 || self.keepalive_armed() {
            self.arm_keepalive(now);
        }
        // The text, already in the buffer at RCV.NXT.
        self.rcv_nxt += n;
        self.stats.bytes_received += n as u64;
        self.unacked_bytes += n;
        self.raise(Event::Readable);
        self.schedule_ack(now);
    }

    /// Takes one TCP segment as it came off the wire (the IP payload, from
    /// `remote_ip` to this connection's address): checks it, verifies its
    /// checksum, and handles it as [`handle_segment`](Self::handle_segment) does.
    /// For the next in-order segment the checksum is summed as the payload is
    /// copied into the receive buffer, and the bytes become readable only once
    /// it verifies, so the payload is read once instead of twice.
    ///
    /// # Errors
    /// Those of [`Segment::new_checked`] and [`Repr::parse`]; `Checksum`
    /// "checksum" at 16 when the checksum does not verify (`Unsupported` when
    /// `remote_ip` is of the other family than this end); `Malformed` "segment"
    /// when it is longer than an IPv4 datagram can carry. The connection does not
    /// change when there is an error.
    ///
    /// ```
    /// use wirestate_tcp_conn::{Config, Connection, IsnKey};
    /// use wirestate_wire::{Error, Instant};
    /// let cfg = Config::new(IsnKey::new(*b"use a random key"));
    /// let mut server = Connection::listen(cfg, "10.0.0.2:80".parse().unwrap());
    /// let now = Instant::from_millis(1);
    /// // A SYN whose checksum was never filled in.
    /// let mut syn = vec![0u8; 20];
    /// syn[..4].copy_from_slice(&[0x9c, 0x40, 0, 80]);
    /// syn[12] = 5 << 4;
    /// syn[13] = 0x02;
    /// let err = server.handle_segment_bytes(now, "10.0.0.1".parse().unwrap(), &syn).unwrap_err();
    /// assert!(matches!(err, Error::Checksum { field: "checksum", offset: 16, .. }));
    /// ```
    pub fn handle_segment_bytes(
        &mut self,
        now: Instant,
        remote_ip: IpAddr,
        bytes: &[u8],
    ) -> Result<(), Error> {
        let seg = Segment::new_checked(bytes)?;
        let local_ip = self.local.ip();
        let Some(pseudo) = self.pseudo_sum(remote_ip, bytes.len()) else {
            if remote_ip.is_ipv4() != local_ip.is_ipv4() {
                return Err(Error::unsupported("checksum", wirestate_tcp::field::CHECKSUM, 0));
            }
            // The pseudo-header's length field cannot hold it (65535 octets for IPv4).
            return Err(Error::malformed("segment", 0, "longer than its IP datagram can carry"));
        };
        let header = bytes.get(..seg.header_len()).unwrap_or_default();
        let head_sum = checksum::combine(&[pseudo, checksum::sum(header)]);
        // Header prediction straight from the wire: no repr is built.
        if let Some(fast) = Fast::from_view(&seg).filter(|f| self.predictable(f)) {
            if let Some(payload_sum) = self.recv_buf.stage_in_order(fast.payload) {
                if checksum::combine(&[head_sum, payload_sum]) != 0xffff {
                    return Err(seg.checksum_error(remote_ip, local_ip));
                }
                self.stats.segments_received += 1;
                let n = self.recv_buf.commit_staged(fast.payload.len());
                self.take_predicted(now, &fast, n);
                return Ok(());
            }
        }
        let parsed = Repr::parse(&seg);
        let repr = match &parsed {
            Ok(repr) => repr,
            Err(e) => return Err(*e),
        };
        let payload_sum = checksum::sum(seg.payload());
        if checksum::combine(&[head_sum, payload_sum]) != 0xffff {
            return Err(seg.checksum_error(remote_ip, local_ip));
        }
        self.handle_segment(now, remote_ip, repr);
        Ok(())
    }
}

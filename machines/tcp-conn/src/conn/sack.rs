//! What this end reports in its SACK options (RFC 2018 §4, RFC 2883): the
//! blocks it reported most recently, newest first, and a D-SACK block for a
//! duplicate segment.

use wirestate_tcp::{SackRanges, SeqNumber};

use super::Connection;

/// The blocks most recently reported first, newest first (RFC 2018 §4: "The
/// first SACK block ... MUST specify the contiguous block of data containing
/// the segment which triggered this ACK ... The SACK option SHOULD be filled
/// out by repeating the most recently reported SACK blocks ... that are not
/// subsets of a SACK block already included").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ReportedBlocks {
    blocks: [(SeqNumber, SeqNumber); 4],
    len: usize,
}

impl ReportedBlocks {
    /// Whether no block is remembered.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The blocks, newest first.
    pub(crate) fn as_slice(&self) -> &[(SeqNumber, SeqNumber)] {
        self.blocks.get(..self.len).unwrap_or_default()
    }

    /// `block` holds the segment that just arrived: it goes first, and the
    /// blocks it now covers go.
    pub(crate) fn note(&mut self, block: (SeqNumber, SeqNumber)) {
        let mut next = [block; 4];
        let mut n = 1;
        for &b in self.as_slice() {
            let covered = b.0.ge(block.0) && b.1.le(block.1);
            if !covered && n < next.len() {
                if let Some(slot) = next.get_mut(n) {
                    *slot = b;
                }
                n += 1;
            }
        }
        self.blocks = next;
        self.len = n;
    }

    /// Keeps each block as the receive buffer now holds it (`around` finds
    /// the held range containing a sequence number at or past RCV.NXT):
    /// blocks that became in order go, blocks that grew are reported whole.
    pub(crate) fn refresh(
        &mut self,
        rcv_nxt: SeqNumber,
        around: impl Fn(SeqNumber) -> Option<(SeqNumber, SeqNumber)>,
    ) {
        let old = *self;
        self.len = 0;
        for &(l, r) in old.as_slice() {
            if r.le(rcv_nxt) {
                continue;
            }
            if let Some(b) = around(l.max(rcv_nxt)) {
                if !self.as_slice().contains(&b) {
                    if let Some(slot) = self.blocks.get_mut(self.len) {
                        *slot = b;
                        self.len += 1;
                    }
                }
            }
        }
    }
}

impl Connection {
    /// The SACK blocks for the next ACK: the D-SACK block first when a
    /// duplicate arrived (RFC 2883 §4), then the blocks reported most recently,
    /// newest first (RFC 2018 §4), then any other range the receive buffer
    /// holds; three blocks at most beside timestamps, four without.
    pub(super) fn sack_blocks(&self) -> SackRanges {
        let mut out = SackRanges::new();
        let room = if self.ts.is_some() { 3 } else { 4 };
        let push = |out: &mut SackRanges, b: (SeqNumber, SeqNumber)| {
            if out.len() < room {
                out.push(b.0, b.1);
            }
        };
        if let Some(d) = self.dsack.filter(|_| self.cfg.dsack) {
            push(&mut out, d);
        }
        let held = self
            .recv_buf
            .ooo
            .ranges()
            .iter()
            .map(|&(s, e)| (self.rcv_nxt + s as usize, self.rcv_nxt + e as usize));
        let first_len = out.len();
        for b in self.sack_reported.as_slice().iter().copied().chain(held) {
            // A block already in the option (but the D-SACK block's own) is
            // not repeated.
            if out.as_slice().get(first_len..).unwrap_or_default().contains(&b) {
                continue;
            }
            push(&mut out, b);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(l: u32, r: u32) -> (SeqNumber, SeqNumber) {
        (SeqNumber(l), SeqNumber(r))
    }

    #[test]
    fn rfc2018_section_4_newest_block_first_then_the_most_recent() {
        let mut r = ReportedBlocks::default();
        r.note(b(200, 300));
        r.note(b(400, 500));
        r.note(b(600, 700));
        assert_eq!(r.as_slice(), &[b(600, 700), b(400, 500), b(200, 300)]);
        // A segment that joins two blocks: the joined block first, the covered gone.
        r.note(b(400, 700));
        assert_eq!(r.as_slice(), &[b(400, 700), b(200, 300)]);
    }

    #[test]
    fn refresh_drops_blocks_that_became_in_order() {
        let mut r = ReportedBlocks::default();
        r.note(b(200, 300));
        r.note(b(400, 500));
        r.refresh(SeqNumber(300), |s| (s.ge(SeqNumber(400))).then_some(b(400, 500)));
        assert_eq!(r.as_slice(), &[b(400, 500)]);
    }
}

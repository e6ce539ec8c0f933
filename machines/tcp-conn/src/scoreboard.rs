//! The sender's SACK scoreboard (RFC 6675 §3): which bytes above SND.UNA the peer
//! reported holding, and the loss and pipe estimates RFC 6675 derives from it.

use wirestate_tcp::SeqNumber;

/// SACKed ranges above SND.UNA, in order, disjoint and non-adjacent; at most
/// [`Scoreboard::MAX_RANGES`] (64: a window of up to 128 segments with every
/// other one lost; a report that would need more is merged into the
/// nearest range's neighbourhood by dropping the highest range: the sender then
/// only retransmits more than needed, never less).
#[derive(Debug, Clone)]
pub(crate) struct Scoreboard {
    ranges: [(SeqNumber, SeqNumber); Scoreboard::MAX_RANGES],
    len: usize,
}

/// RFC 6675 §2: DupThresh.
pub(crate) const DUP_THRESH: usize = 3;

impl Default for Scoreboard {
    fn default() -> Self {
        Scoreboard { ranges: [(SeqNumber(0), SeqNumber(0)); Scoreboard::MAX_RANGES], len: 0 }
    }
}

impl Scoreboard {
    pub(crate) const MAX_RANGES: usize = 64;

    pub(crate) fn ranges(&self) -> &[(SeqNumber, SeqNumber)] {
        self.ranges.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Adds the block `left..right` (already checked to lie in SND.UNA..SND.MAX);
    /// true if it reported bytes not known before.
    pub(crate) fn insert(&mut self, left: SeqNumber, right: SeqNumber) -> bool {
        if right.le(left) {
            return false;
        }
        if self.ranges().iter().any(|&(s, e)| s.le(left) && right.le(e)) {
            return false;
        }
        let (mut s, mut e) = (left, right);
        // Keep the ranges that neither overlap nor touch the new one; merge the rest.
        let mut kept = [(SeqNumber(0), SeqNumber(0)); Scoreboard::MAX_RANGES];
        let mut n = 0;
        for &(rs, re) in self.ranges() {
            if re.lt(s) || e.lt(rs) {
                if let Some(k) = kept.get_mut(n) {
                    *k = (rs, re);
                    n += 1;
                }
            } else {
                s = s.min(rs);
                e = e.max(re);
            }
        }
        // Insert in order; when full, the highest range gives way.
        let at = kept.iter().take(n).position(|&(rs, _)| e.lt(rs)).unwrap_or(n);
        if n == Self::MAX_RANGES {
            if at == n {
                return false;
            }
            n -= 1;
        }
        kept.copy_within(at..n, at + 1);
        if let Some(k) = kept.get_mut(at) {
            *k = (s, e);
        }
        self.ranges = kept;
        self.len = n + 1;
        true
    }

    /// SND.UNA moved to `una`: forget what is below it.
    pub(crate) fn prune(&mut self, una: SeqNumber) {
        let mut n = 0;
        for i in 0..self.len {
            let Some(&(s, e)) = self.ranges.get(i) else { break };
            if e.le(una) {
                continue;
            }
            if let Some(r) = self.ranges.get_mut(n) {
                *r = (s.max(una), e);
            }
            n += 1;
        }
        self.len = n;
    }

    /// Whether `seq` was SACKed; if so, where its range ends.
    pub(crate) fn sacked_end(&self, seq: SeqNumber) -> Option<SeqNumber> {
        self.ranges().iter().find(|&&(s, e)| s.le(seq) && seq.lt(e)).map(|&(_, e)| e)
    }

    /// The first SACKed sequence number after `seq`, if any.
    pub(crate) fn next_sacked(&self, seq: SeqNumber) -> Option<SeqNumber> {
        self.ranges().iter().find(|&&(s, _)| seq.lt(s)).map(|&(s, _)| s)
    }

    /// The highest SACKed sequence number (exclusive end), if any.
    pub(crate) fn highest(&self) -> Option<SeqNumber> {
        self.ranges().last().map(|&(_, e)| e)
    }

    /// RFC 6675 §4 IsLost(seq): DupThresh discontiguous SACKed ranges above it, or
    /// more than (DupThresh - 1) * SMSS SACKed bytes above it.
    pub(crate) fn is_lost(&self, seq: SeqNumber, mss: usize) -> bool {
        let mut ranges = 0;
        let mut bytes = 0usize;
        for &(s, e) in self.ranges().iter().rev() {
            if e.le(seq) {
                break;
            }
            let from = if s.gt(seq) { s } else { seq + 1 };
            bytes += e.offset_from(from) as usize;
            ranges += 1;
        }
        ranges >= DUP_THRESH || bytes > (DUP_THRESH - 1) * mss
    }

    /// The first sequence number below which every un-SACKed byte is lost
    /// (IsLost holds), found from the top: the start of the DupThresh-th range from
    /// the top, or the point with (DupThresh - 1) * SMSS SACKed bytes above it.
    pub(crate) fn lost_below(&self, mss: usize) -> Option<SeqNumber> {
        let threshold = (DUP_THRESH - 1) * mss;
        let mut bytes = 0usize;
        for (count, &(s, e)) in self.ranges().iter().rev().enumerate() {
            let len = e.offset_from(s) as usize;
            if count + 1 >= DUP_THRESH {
                return Some(s);
            }
            if bytes + len > threshold {
                // Bytes above `e - k` exceed the threshold when k > threshold - bytes.
                let k = threshold - bytes + 1;
                return Some(e - k);
            }
            bytes += len;
        }
        None
    }

    /// RFC 6675 §4 SetPipe over `una..max`: every un-SACKed byte not lost counts
    /// once, every un-SACKed byte below `high_rxt` (sent again) counts once more.
    pub(crate) fn pipe(
        &self,
        una: SeqNumber,
        max: SeqNumber,
        high_rxt: SeqNumber,
        mss: usize,
    ) -> usize {
        let lost_below = self.lost_below(mss).unwrap_or(una).max(una);
        let unsacked = |from: SeqNumber, to: SeqNumber| -> usize {
            if to.le(from) {
                return 0;
            }
            let mut n = to.offset_from(from) as usize;
            for &(s, e) in self.ranges() {
                let (a, b) = (s.max(from), e.min(to));
                if a.lt(b) {
                    n -= b.offset_from(a) as usize;
                }
            }
            n
        };
        let not_lost = unsacked(lost_below.min(max), max);
        let resent = unsacked(una, high_rxt.min(max));
        not_lost + resent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u32) -> SeqNumber {
        SeqNumber(n)
    }

    #[test]
    fn insert_merges_and_prunes() {
        let mut b = Scoreboard::default();
        assert!(b.insert(s(200), s(300)));
        assert!(b.insert(s(400), s(500)));
        assert!(!b.insert(s(210), s(290)));
        assert!(b.insert(s(300), s(400)));
        assert_eq!(b.ranges(), &[(s(200), s(500))]);
        b.prune(s(250));
        assert_eq!(b.ranges(), &[(s(250), s(500))]);
    }

    #[test]
    fn loss_and_pipe_follow_rfc_6675() {
        // MSS 100; una = 0, sent up to 1000; 200..300, 400..500, 600..700 SACKed.
        let mut b = Scoreboard::default();
        for (l, r) in [(200, 300), (400, 500), (600, 700)] {
            b.insert(s(l), s(r));
        }
        assert!(b.is_lost(s(0), 100)); // three ranges above
        assert!(!b.is_lost(s(300), 100)); // two ranges, 200 bytes: not more than 200
        assert_eq!(b.lost_below(100), Some(s(200)));
        // Not lost and un-SACKed: 300..400, 500..600, 700..1000 = 500 bytes.
        assert_eq!(b.pipe(s(0), s(1000), s(0), 100), 500);
        // After resending 0..100 it is in the pipe again.
        assert_eq!(b.pipe(s(0), s(1000), s(100), 100), 600);
    }
}

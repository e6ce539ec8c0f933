//! The caller's random source for the machines: transaction ids, ports and
//! jitter come from it, so a run replays exactly from its seed.

/// Where a machine takes its randomness: transaction ids, source ports,
/// retransmission jitter. Implemented for [`SeededRandom`] and for any
/// `FnMut() -> u32`, so a test can script the values (for example to replay a
/// capture's transaction id). Machines never read OS randomness themselves.
///
/// ```
/// use wirestate_wire::Entropy;
/// let mut xids = [0x1111_1111u32, 0x2222_2222].into_iter().cycle();
/// let mut scripted = move || xids.next().unwrap_or(0);
/// assert_eq!(scripted.next_u32(), 0x1111_1111);
/// ```
pub trait Entropy {
    /// The next 32 random bits.
    fn next_u32(&mut self) -> u32;
}

impl<F: FnMut() -> u32> Entropy for F {
    fn next_u32(&mut self) -> u32 {
        self()
    }
}

/// A small deterministic generator (SplitMix64) for simulations and tests. Not
/// for secrets; a host on a real network should pass its OS random source
/// through [`Entropy`] instead, since predictable xids let an off-path attacker
/// forge replies.
///
/// ```
/// use wirestate_wire::{Entropy, SeededRandom};
/// let (mut a, mut b) = (SeededRandom::new(7), SeededRandom::new(7));
/// assert_eq!(a.next_u32(), b.next_u32());
/// ```
#[derive(Debug, Clone)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        SeededRandom { state: seed }
    }
}

impl Entropy for SeededRandom {
    fn next_u32(&mut self) -> u32 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 32) as u32
    }
}

/// A value uniform in `0..n` (0 when `n` is 0), by multiply-shift: one draw.
///
/// ```
/// use wirestate_wire::{random::below, SeededRandom};
/// let mut rng = SeededRandom::new(1);
/// assert!((0..100).all(|_| below(&mut rng, 6) < 6));
/// assert_eq!(below(&mut rng, 0), 0);
/// ```
pub fn below(rng: &mut impl Entropy, n: u32) -> u32 {
    ((u64::from(rng.next_u32()) * u64::from(n)) >> 32) as u32
}

//! The random source, shared with the other machines in `wirestate-wire`.

pub use wirestate_wire::random::below;
pub use wirestate_wire::{Entropy, SeededRandom};

//! Decoding a capture on every core with the output in packet order.
//!
//! Packets are read one by one and put through the steps that need them in order
//! (the filter, `--count`, the time column's previous packet, TCP stream
//! reassembly) on the reading thread. They are kept, copied into one buffer, until
//! a batch is full; the batch is then formatted on every core (decoding every
//! layer and writing its JSON or text line is nearly all the work) while the next
//! is read, and written out in order. Memory stays bounded by a few batches:
//! [`BATCH_PACKETS`] packets or [`BATCH_BYTES`] of packet data each, and their output.
//!
//! Batches and output buffers are used again once done with, not freed: freshly
//! allocated megabytes are fresh pages, and the kernel zeroing them and the copies
//! of a growing buffer took a tenth of `decode --json`'s time.

use std::io::{self, Read, Write};
use std::ops::Range;
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::Duration;

use rayon::prelude::*;
use wirestate_packet::LinkType;

use crate::capture::{self, Packet};

/// Packets in a batch at most.
pub const BATCH_PACKETS: usize = 4096;
/// Packet bytes in a batch at most (a packet larger than this is a batch alone).
pub const BATCH_BYTES: usize = 8 << 20;
/// Packets one task formats: enough to amortise the hand-off.
const CHUNK: usize = 128;

/// What the in-order step decides for a packet.
pub enum Step<S> {
    /// Format it, with what the in-order step worked out for it.
    Keep(S),
    /// Leave it out (the filter said no).
    Skip,
    /// Leave it out and read no further (`--count` was reached).
    Stop,
}

/// A packet held in a batch: its bytes are a range of the batch's buffer.
struct Held<S> {
    index: u64,
    timestamp: Duration,
    wire_len: usize,
    link: LinkType,
    bytes: Range<usize>,
    state: S,
}

struct Batch<S> {
    data: Vec<u8>,
    held: Vec<Held<S>>,
}

impl<S: Send + Sync> Batch<S> {
    fn new() -> Self {
        Batch { data: Vec::with_capacity(BATCH_BYTES), held: Vec::with_capacity(BATCH_PACKETS) }
    }

    /// An empty batch: one done with if `spare` has one, else a new one.
    fn reuse(spare: &mpsc::Receiver<Batch<S>>) -> Self {
        spare.try_recv().unwrap_or_else(|_| Batch::new())
    }

    fn is_full(&self) -> bool {
        self.held.len() >= BATCH_PACKETS || self.data.len() >= BATCH_BYTES
    }

    /// Formats the batch on every core: its output, in packet order, in buffers
    /// taken from `spare` when it has them.
    fn format(
        &mut self,
        format: &(impl Fn(&Packet<'_>, &mut S, &mut Vec<u8>) -> io::Result<()> + Sync),
        spare: &Mutex<Vec<Vec<u8>>>,
    ) -> io::Result<Vec<Vec<u8>>> {
        let data = &self.data;
        self.held
            .par_chunks_mut(CHUNK)
            .map(|chunk| {
                let reused = spare.lock().ok().and_then(|mut s| s.pop());
                let mut text = reused.unwrap_or_else(|| Vec::with_capacity(CHUNK * 1024));
                for h in chunk {
                    let p = Packet {
                        index: h.index,
                        timestamp: h.timestamp,
                        wire_len: h.wire_len,
                        data: data.get(h.bytes.clone()).unwrap_or_default(),
                        link: h.link,
                    };
                    format(&p, &mut h.state, &mut text)?;
                }
                Ok(text)
            })
            .collect()
    }
}

/// Reads every packet of `reader` (pcap or pcapng), calls `ordered` on each in
/// file order, and writes `format`'s output for the kept ones to `out`, in file
/// order. While one batch is formatted on every core, the next is read: a
/// formatting thread takes full batches in order (at most one waiting) and hands
/// their output back in the same order to this thread, which writes it.
pub fn run<S: Send + Sync>(
    reader: impl Read,
    mut ordered: impl FnMut(&Packet<'_>) -> io::Result<Step<S>>,
    format: impl Fn(&Packet<'_>, &mut S, &mut Vec<u8>) -> io::Result<()> + Sync,
    out: &mut impl Write,
) -> io::Result<()> {
    let (to_format, batches) = mpsc::sync_channel::<Batch<S>>(1);
    // Unbounded, so the formatter never waits on the writer (no deadlock with the
    // bounded queue of batches); it holds at most the two batches sent since the
    // last time this thread wrote.
    let (to_write, formatted) = mpsc::channel::<io::Result<Vec<Vec<u8>>>>();
    // Batches formatted, back to the reader; output buffers written, back to the
    // formatter.
    let (to_reuse, spare_batches) = mpsc::channel::<Batch<S>>();
    let spare_text = Mutex::new(Vec::new());
    let (format, spare_text) = (&format, &spare_text);
    thread::scope(|scope| {
        scope.spawn(move || {
            for mut batch in batches {
                if to_write.send(batch.format(format, spare_text)).is_err() {
                    return;
                }
                batch.data.clear();
                batch.held.clear();
                // The reader may have finished: then the batch is simply freed.
                let _ = to_reuse.send(batch);
            }
        });
        let mut sent = 0usize;
        let mut written = 0usize;
        let mut write = |parts: io::Result<Vec<Vec<u8>>>| -> io::Result<()> {
            for mut part in parts? {
                out.write_all(&part)?;
                part.clear();
                if let Ok(mut s) = spare_text.lock() {
                    s.push(part);
                }
            }
            Ok(())
        };
        let mut batch = Batch::reuse(&spare_batches);
        let read = capture::for_each_packet(reader, |p| {
            let state = match ordered(p)? {
                Step::Keep(s) => s,
                Step::Skip => return Ok(true),
                Step::Stop => return Ok(false),
            };
            let start = batch.data.len();
            batch.data.extend_from_slice(p.data);
            batch.held.push(Held {
                index: p.index,
                timestamp: p.timestamp,
                wire_len: p.wire_len,
                link: p.link,
                bytes: start..batch.data.len(),
                state,
            });
            if batch.is_full() {
                let full = std::mem::replace(&mut batch, Batch::reuse(&spare_batches));
                to_format.send(full).map_err(|_| io::Error::other("the formatter stopped"))?;
                sent += 1;
                // Write what is done, without waiting for what is not.
                while let Ok(parts) = formatted.try_recv() {
                    written += 1;
                    write(parts)?;
                }
            }
            Ok(true)
        });
        // The last batch, then everything still being formatted, in order.
        let last = read.and_then(|()| {
            if !batch.held.is_empty() {
                to_format.send(batch).map_err(|_| io::Error::other("the formatter stopped"))?;
                sent += 1;
            }
            Ok(())
        });
        drop(to_format);
        let mut result = last;
        while written < sent {
            let Ok(parts) = formatted.recv() else { break };
            written += 1;
            if result.is_ok() {
                result = write(parts);
            }
        }
        result
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A pcap of `n` Ethernet frames whose first byte is their number.
    fn capture(n: usize) -> Vec<u8> {
        use pcap_file::pcap::{PcapPacket, PcapWriter};
        let mut w = PcapWriter::new(Vec::new()).unwrap();
        for i in 0..n {
            let frame = vec![(i % 251) as u8; 60];
            w.write_packet(&PcapPacket::new(Duration::from_secs(i as u64), 60, &frame)).unwrap();
        }
        w.into_writer()
    }

    /// Several batches, formatted on several threads, come out in file order, with
    /// what the in-order step gave each packet.
    #[test]
    fn output_is_in_packet_order_across_batches() {
        let n = BATCH_PACKETS * 3 + 17;
        let mut out = Vec::new();
        let mut seen = 0u64;
        run(
            &capture(n)[..],
            |p| {
                seen += 1;
                assert_eq!(p.index, seen);
                Ok(if p.index % 5 == 0 { Step::Skip } else { Step::Keep(p.index * 2) })
            },
            |p, twice, text| {
                assert_eq!(usize::from(p.data[0]), (p.index as usize - 1) % 251);
                writeln!(text, "{} {}", p.index, twice)
            },
            &mut out,
        )
        .unwrap();
        let lines: Vec<String> =
            String::from_utf8(out).unwrap().lines().map(String::from).collect();
        let want: Vec<String> =
            (1..=n as u64).filter(|i| i % 5 != 0).map(|i| format!("{i} {}", i * 2)).collect();
        assert_eq!(lines, want);
    }

    #[test]
    fn stop_ends_the_read_and_keeps_what_came_before() {
        let mut out = Vec::new();
        run(
            &capture(BATCH_PACKETS * 2)[..],
            |p| Ok(if p.index > 5000 { Step::Stop } else { Step::Keep(()) }),
            |p, (), text| writeln!(text, "{}", p.index),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 5000);
        assert_eq!(text.lines().last(), Some("5000"));
    }
}

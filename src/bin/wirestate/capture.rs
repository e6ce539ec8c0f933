//! Reading pcap and pcapng captures, one packet at a time, in constant memory.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::time::Duration;

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{DataLink, TsResolution};
use wirestate::decode::{self, Decoded};
use wirestate_packet::{LinkType, Sliced};

/// One captured packet.
pub struct Packet<'a> {
    /// Position in the file, from 1.
    pub index: u64,
    /// Capture time since the epoch.
    pub timestamp: Duration,
    /// Length on the wire (the capture may hold less).
    pub wire_len: usize,
    /// The captured bytes.
    pub data: &'a [u8],
    /// What the first byte is.
    pub link: LinkType,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// The link types `decode` reads, as its error message lists them.
const READ_LINK_TYPES: &str = "Ethernet, Linux cooked v1/v2, BSD NULL/LOOP, PPP, raw IP";

fn link_type(dl: DataLink) -> io::Result<LinkType> {
    LinkType::from_linktype(u32::from(dl)).ok_or_else(|| {
        invalid(format!("link type {dl:?} is not supported (these are: {READ_LINK_TYPES})"))
    })
}

const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Calls `f` for every packet of a pcap or pcapng stream, in order, until it returns
/// `Ok(false)`. Memory stays constant: one packet is held at a time.
pub fn for_each_packet<R: Read>(
    mut reader: R,
    mut f: impl FnMut(&Packet<'_>) -> io::Result<bool>,
) -> io::Result<()> {
    let mut magic = [0u8; 4];
    reader.read_exact(&mut magic)?;
    let whole = io::Cursor::new(magic).chain(reader);
    if magic == PCAPNG_MAGIC {
        pcapng(whole, f)
    } else {
        let mut r = PcapReader::new(whole).map_err(|e| invalid(e.to_string()))?;
        let header = r.header();
        let link = link_type(header.datalink)?;
        let nanos = header.ts_resolution == TsResolution::NanoSecond;
        let mut index = 0;
        // Raw records: pcap-file's checked `next_packet` refuses an original length
        // above the snap length, which is exactly what a snap-length capture holds.
        while let Some(pkt) = r.next_raw_packet() {
            let pkt = pkt.map_err(|e| invalid(format!("packet {}: {e}", index + 1)))?;
            index += 1;
            let frac = if nanos { pkt.ts_frac } else { pkt.ts_frac.saturating_mul(1000) };
            let p = Packet {
                index,
                timestamp: Duration::new(u64::from(pkt.ts_sec), frac.min(999_999_999)),
                wire_len: (pkt.orig_len as usize).max(pkt.data.len()),
                data: &pkt.data,
                link,
            };
            if !f(&p)? {
                break;
            }
        }
        Ok(())
    }
}

/// What a pcapng interface description says about its packets.
struct Interface {
    /// The link type, or the error to give for a packet on an unsupported one.
    link: Result<LinkType, DataLink>,
    /// pcapng §4.2 if_tsresol: 10^-n seconds, or 2^-n with the top bit set; default 6.
    tsresol: u8,
    /// pcapng §4.2 if_tsoffset: seconds added to every timestamp; default 0.
    tsoffset: i64,
}

impl Interface {
    fn new(i: &InterfaceDescriptionBlock<'_>) -> Self {
        let (mut tsresol, mut tsoffset) = (6, 0);
        for option in &i.options {
            match option {
                InterfaceDescriptionOption::IfTsResol(r) => tsresol = *r,
                // The draft calls it a signed integer; pcap-file reads it unsigned.
                InterfaceDescriptionOption::IfTsOffset(o) => tsoffset = *o as i64,
                _ => {}
            }
        }
        let link = LinkType::from_linktype(u32::from(i.linktype)).ok_or(i.linktype);
        Interface { link, tsresol, tsoffset }
    }

    /// A packet's time: the raw count in this interface's unit, plus its offset
    /// (clamped at the epoch: `Duration` has no negative times).
    fn timestamp(&self, as_read: Duration) -> Duration {
        let t = rescale(as_read, self.tsresol);
        let offset = Duration::from_secs(self.tsoffset.unsigned_abs());
        if self.tsoffset >= 0 {
            t.saturating_add(offset)
        } else {
            t.saturating_sub(offset)
        }
    }
}

fn pcapng<R: Read>(whole: R, mut f: impl FnMut(&Packet<'_>) -> io::Result<bool>) -> io::Result<()> {
    let mut r = PcapNgReader::new(whole).map_err(|e| invalid(e.to_string()))?;
    let mut index = 0;
    // Each section numbers its interfaces from 0, in the order they are described;
    // each has its own link type and timestamp unit and offset.
    let mut interfaces: Vec<Interface> = Vec::new();
    while let Some(block) = r.next_block() {
        let block = block.map_err(|e| invalid(format!("block after packet {index}: {e}")))?;
        let (iface, timestamp, wire_len, data) = match &block {
            Block::EnhancedPacket(b) => (b.interface_id, b.timestamp, b.original_len, &*b.data),
            // A simple packet block has no timestamp (RFC draft pcapng §4.4).
            Block::SimplePacket(b) => (0, Duration::ZERO, b.original_len, &*b.data),
            // The obsolete packet block: its raw count goes through `rescale` too.
            Block::Packet(b) => (
                u32::from(b.interface_id),
                Duration::from_nanos(b.timestamp),
                b.original_len,
                &*b.data,
            ),
            Block::SectionHeader(_) => {
                interfaces.clear();
                continue;
            }
            Block::InterfaceDescription(i) => {
                interfaces.push(Interface::new(i));
                continue;
            }
            _ => continue,
        };
        let interface = interfaces
            .get(iface as usize)
            .ok_or_else(|| invalid(format!("packet {}: no interface {iface}", index + 1)))?;
        index += 1;
        let link = interface.link.or_else(link_type)?;
        let timestamp = if matches!(block, Block::SimplePacket(_)) {
            timestamp
        } else {
            interface.timestamp(timestamp)
        };
        let p = Packet { index, timestamp, wire_len: wire_len as usize, data, link };
        if !f(&p)? {
            break;
        }
    }
    Ok(())
}

/// pcap-file reads a pcapng timestamp's raw count as nanoseconds; the count is in
/// the interface's unit (pcapng §4.2 if_tsresol: 10^-n seconds, or 2^-n with the top
/// bit set), so take the count back and divide it properly.
fn rescale(as_read: Duration, resol: u8) -> Duration {
    let raw = as_read.as_nanos();
    let per_second: u128 = if resol & 0x80 == 0 {
        10u128.saturating_pow(u32::from(resol))
    } else {
        1u128 << u32::from(resol & 0x7f).min(127)
    };
    let per_second = per_second.max(1);
    let secs = raw / per_second;
    let nanos = (raw % per_second) * 1_000_000_000 / per_second;
    Duration::new(u64::try_from(secs).unwrap_or(u64::MAX), nanos as u32)
}

/// Writes one packet's JSON line.
pub fn write_json_line(out: &mut Vec<u8>, p: &Packet<'_>, d: &Decoded) -> io::Result<()> {
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(br#"{"index":"#);
    out.extend_from_slice(n.format(p.index).as_bytes());
    out.extend_from_slice(br#","ts":""#);
    out.extend_from_slice(n.format(p.timestamp.as_secs()).as_bytes());
    // `seconds.microseconds`, the microseconds zero-padded to six digits.
    let digits = n.format(p.timestamp.subsec_micros());
    out.push(b'.');
    out.extend(core::iter::repeat_n(b'0', 6usize.saturating_sub(digits.len())));
    out.extend_from_slice(digits.as_bytes());
    out.extend_from_slice(br#"","caplen":"#);
    out.extend_from_slice(n.format(p.data.len()).as_bytes());
    out.extend_from_slice(br#","len":"#);
    out.extend_from_slice(n.format(p.wire_len).as_bytes());
    out.extend_from_slice(br#","layers":["#);
    for (i, layer) in d.layers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        layer.write_to(out);
    }
    out.extend_from_slice(br#"],"error":"#);
    serde_json::to_writer(&mut *out, &d.error)?;
    out.extend_from_slice(b"}\n");
    Ok(())
}

/// Packets and bytes per protocol, for `--stats`.
#[derive(Default)]
pub struct Stats {
    packets: u64,
    bytes: u64,
    malformed: u64,
    per_proto: BTreeMap<&'static str, (u64, u64)>,
}

impl Stats {
    /// Counts one packet.
    pub fn add(&mut self, s: &Sliced<'_>, wire_len: usize) {
        self.packets += 1;
        self.bytes += wire_len as u64;
        if s.error.is_some() {
            self.malformed += 1;
        }
        for name in decode::layer_names(s) {
            let e = self.per_proto.entry(name).or_default();
            e.0 += 1;
            e.1 += wire_len as u64;
        }
    }

    /// One line per protocol, then the totals.
    pub fn print(&self, out: &mut impl Write) -> io::Result<()> {
        for (name, (packets, bytes)) in &self.per_proto {
            writeln!(out, "{name:<10} {packets:>10} packets {bytes:>14} bytes")?;
        }
        writeln!(
            out,
            "{:<10} {:>10} packets {:>14} bytes, {} malformed",
            "total", self.packets, self.bytes, self.malformed
        )
    }
}

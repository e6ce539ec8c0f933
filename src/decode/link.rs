//! Ethernet and VLAN layers.

use serde_json::Value;
use wirestate_ethernet::{self as ethernet, vlan, EtherType};
use wirestate_packet::Link;
use wirestate_wire::Error;

use super::{layer, Obj};

fn ethertype_fields(o: &mut Obj, t: EtherType) {
    o.insert("ethertype", t.0.into());
    if let Some(name) = t.name() {
        o.insert("ethertype_name", name.into());
    }
}

fn ethernet_obj<T: AsRef<[u8]>>(f: &ethernet::Frame<T>, ethertype: EtherType) -> Obj {
    let mut o = layer("ethernet");
    o.insert("src", f.src().to_string().into());
    o.insert("dst", f.dst().to_string().into());
    ethertype_fields(&mut o, ethertype);
    o
}

fn vlan_obj<T: AsRef<[u8]>>(t: &vlan::Tag<T>, tpid: EtherType) -> Obj {
    let mut o = layer("vlan");
    o.insert("tpid", tpid.0.into());
    o.insert("pcp", t.pcp().into());
    o.insert("dei", t.dei().into());
    o.insert("vid", t.vid().into());
    ethertype_fields(&mut o, t.ethertype());
    o
}

/// Pushes the Ethernet layer and one layer per VLAN tag.
pub fn ethernet(link: &Link<'_>, out: &mut Vec<Obj>) {
    out.push(ethernet_obj(&link.frame, link.frame.ethertype()));
    for (tag, tpid) in link.tags().zip(link.tpids()) {
        out.push(vlan_obj(&tag, tpid));
    }
}

/// `wirestate parse ethernet`: the Ethernet header, the payload left undecoded.
pub fn parse_ethernet(bytes: &[u8]) -> Result<Value, Error> {
    let f = ethernet::Frame::new_checked(bytes)?;
    let mut o = ethernet_obj(&f, f.ethertype());
    o.insert("payload_len", f.payload().len().into());
    Ok(Value::from(o))
}

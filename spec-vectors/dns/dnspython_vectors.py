#!/usr/bin/env python3
"""dnspython as the oracle for the DNS codec.

Builds records with dnspython (RFC examples where the RFC has one), writes them as
DNS messages in wire format, decodes each message with `wirestate parse dns --hex`,
and compares the `data` we print for every record with dnspython's to_text().
A difference is then checked again by having dnspython read our text back: the
same RDATA means only the spelling differs (hex case, where base64 and hex break
into words, the RFC 3597 generic form of a type we do not decode). RRsets are
written unshuffled, so the bytes are the same on every run.

    python3 spec-vectors/dns/dnspython_vectors.py [--cli target/debug/wirestate] [--write]

--write (re)writes spec-vectors/dns/dnspython-*.json with the bytes and a
description only; `cargo xtask vectors --bless` fills in "expect", reviewed
before commit. Needs dnspython (Debian: python3-dnspython); run with the system
python3 if another python3 comes first on PATH.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring
import dns.update
import dns.version

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = "dnspython %s" % dns.version.version

# (slug, description, zone lines). One vector each: a response whose answer section
# holds the records. Sources of the examples are named in the descriptions.
GROUPS = [
    ("sshfp", "SSHFP (RFC 4255 §3.3 example; an SHA-256 fingerprint, RFC 6594)", [
        "host.example. 300 IN SSHFP 2 1 123456789abcdef67890123456789abcdef67890",
        "host.example. 300 IN SSHFP 4 2 "
        "a87f1b687ac0e57d2a081a2f282672334d90ed316d2b818ca9580ea384d92401",
    ]),
    ("tlsa", "TLSA (RFC 6698 §2.3 examples, the full certificate shortened)", [
        "_443._tcp.www.example.com. 300 IN TLSA 0 0 1 "
        "d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971",
        "_443._tcp.www.example.com. 300 IN TLSA 1 1 2 "
        "92003ba34942dc74152e2f2c408d29eca5a520e7f2e06bb944f4dca346baf63c"
        "1b177615d466f6c4b71c216a50292bd58c9ebdd2f74e38fe51ffd48c43326cbc",
        "_443._tcp.www.example.com. 300 IN TLSA 3 0 0 30820307308201efa003020102020101",
    ]),
    ("smimea", "SMIMEA (RFC 8162 §2: the TLSA layout)", [
        "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._smimecert.example.com. "
        "300 IN SMIMEA 3 1 1 "
        "d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971",
    ]),
    ("uri", "URI (RFC 7553 §4 examples)", [
        '_ftp._tcp.example.com. 3600 IN URI 10 1 "ftp://ftp1.example.com/public"',
        '_http._tcp.example.com. 3600 IN URI 10 1 "http://www.example.com/path"',
    ]),
    ("cds-cdnskey", "CDS and CDNSKEY (RFC 7344 §3; the delete forms of RFC 8078 §4)", [
        "example.com. 300 IN CDS 2371 13 2 "
        "32996839a6d808afe3eb4a795a0e6a7a39a76fc52ff228b22b76f6d63826f2b9",
        "example.com. 300 IN CDS 0 0 0 00",
        "example.com. 300 IN CDNSKEY 257 3 13 "
        "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
        "example.com. 300 IN CDNSKEY 0 3 0 AA==",
    ]),
    ("openpgpkey", "OPENPGPKEY (RFC 7929 §2: base64, a key shortened)", [
        "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey.example.com. "
        "300 IN OPENPGPKEY mQENBFVHm5sBCADOYpcbRq5ItGHXtKYNAMbgGvwaLCbNQjD3Bam9YVlGLwfS"
        "m1Pk0hSQ4Ztq",
    ]),
    ("eui", "EUI48 and EUI64 (RFC 7043 §3.2, §4.2 examples)", [
        "host.example. 86400 IN EUI48 00-00-5e-00-53-2a",
        "host.example. 86400 IN EUI64 00-00-5e-ef-10-00-00-2a",
    ]),
    ("rp-afsdb", "RP and AFSDB (RFC 1183 §1, §2.2 examples)", [
        "ACC.ARPA. 300 IN RP louie.trantor.umd.edu. LAM1.people.umd.edu.",
        "TREE.ARPA. 300 IN RP . .",
        "SRI-NIC.ARPA. 300 IN AFSDB 1 AFSDB.SRI-NIC.ARPA.",
        "ASC.ARPA. 300 IN AFSDB 2 CHARON.MIT.EDU.",
    ]),
    ("kx", "KX (RFC 2230 §3.1)", [
        "example.com. 300 IN KX 10 kx.example.com.",
    ]),
    ("zonemd", "ZONEMD (RFC 8976 Appendix A.1: the simple example zone's digest)", [
        "example. 86400 IN ZONEMD 2018031900 1 1 "
        "c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9"
        "a9713b3c9ae5cc27777f98b8e730044c",
    ]),
    ("cert", "CERT (RFC 4398 §2: type and algorithm mnemonics, an unknown type by number)", [
        "example.com. 300 IN CERT PKIX 65535 RSASHA256 MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A",
        "example.com. 300 IN CERT PGP 0 0 mQENBFVHm5sBCADOYpcbRq5I",
        "example.com. 300 IN CERT 65000 1 253 AQID",
    ]),
    ("dhcid", "DHCID (RFC 4701 §3.6 examples)", [
        "chi.example.com. 300 IN DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
        "chi6.example.com. 300 IN DHCID AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No=",
        "client.example.com. 300 IN DHCID AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY=",
    ]),
    ("csync", "CSYNC (RFC 7477 §2.2 example)", [
        "example.com. 3600 IN CSYNC 66 3 A NS AAAA",
    ]),
    ("ilnp", "NID, L32, L64, LP (RFC 6742 §2 examples)", [
        "host1.example.com. 300 IN NID 10 0014:4fff:ff20:ee64",
        "host1.example.com. 300 IN L32 10 10.1.2.0",
        "host1.example.com. 300 IN L64 10 2001:0db8:1140:1000",
        "host1.example.com. 300 IN LP 10 l64-subnet1.example.com.",
    ]),
    ("nsec3param-spf-avc", "NSEC3PARAM (RFC 5155 §4.3), SPF (RFC 4408 §3.1.1), AVC: TXT's layout", [
        "example. 3600 IN NSEC3PARAM 1 0 12 aabbccdd",
        "example. 3600 IN NSEC3PARAM 1 0 0 -",
        'example. 3600 IN SPF "v=spf1 -all"',
        'example. 3600 IN AVC "app-name:WOLFGANG|app-class:OAM|business=yes"',
    ]),
    ("generic-types", "Types with a mnemonic but no decoder here, printed in the RFC 3597 §5 form "
     "(NULL, LOC, HIP, IPSECKEY, APL, AMTRELAY, NINFO, X25, RT, GPOS)", [
        "example. 300 IN NULL \\# 4 0a000001",
        "example. 300 IN LOC 51 30 12.748 N 0 7 39.611 W 0.00m 0.00m 0.00m 0.00m",
        "example. 300 IN HIP 2 200100107B1A74DF365639CC39F1D578 "
        "AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D",
        "example. 300 IN IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
        "example. 300 IN APL 1:192.168.32.0/21 !1:192.168.38.0/28",
        "example. 300 IN AMTRELAY 10 0 1 203.0.113.15",
        'example. 300 IN NINFO "zone status"',
        'example. 300 IN X25 "311061700956"',
        "example. 300 IN RT 0 relay.example.",
        'example. 300 IN GPOS "-32.6882" "116.8652" "10.0"',
    ]),
]


def cli_parse(cli, wire):
    out = subprocess.run([cli, "parse", "dns", "--hex", "-"], input=wire.hex(),
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def response(lines, qid):
    """A response (QR AA) answering the first line's name and type with every line."""
    msg = dns.message.Message(id=qid)
    msg.flags = dns.flags.QR | dns.flags.AA
    first = dns.rrset.from_text(*split(lines[0]))
    msg.question.append(dns.rrset.RRset(first.name, dns.rdataclass.IN, first.rdtype))
    for line in lines:
        rrset = dns.rrset.from_text(*split(line))
        existing = msg.find_rrset(msg.answer, rrset.name, rrset.rdclass, rrset.rdtype,
                                  create=True)
        existing.update_ttl(rrset.ttl)
        for rd in rrset:
            existing.add(rd)
    return msg


def split(line):
    name, ttl, rdclass, rdtype, rest = line.split(None, 4)
    return name, int(ttl), rdclass, rdtype, rest


class Tally:
    def __init__(self):
        self.rows, self.types = [], set()

    def record(self, rdtype, theirs, ours, rdclass=dns.rdataclass.IN):
        self.types.add(rdtype)
        if theirs == ours:
            status = "same text"
        else:
            try:
                again = dns.rdata.from_text(rdclass, rdtype, ours)
                want = dns.rdata.from_text(rdclass, rdtype, theirs)
                status = "same rdata" if again == want else "MISMATCH"
            except Exception as e:  # noqa: BLE001 (any failure to read ours back)
                status = "MISMATCH (%s)" % e
        self.rows.append((dns.rdatatype.to_text(rdtype), status, theirs, ours))

    def line(self, what, theirs, ours, equal):
        self.rows.append((what, "same text" if theirs == ours else
                          ("same meaning" if equal else "MISMATCH"), theirs, ours))

    def report(self):
        width = max(len(r[0]) for r in self.rows)
        for what, status, theirs, ours in self.rows:
            print("%-*s  %-12s dnspython: %s" % (width, what, status, theirs))
            if theirs != ours:
                print("%-*s  %-12s ours:      %s" % (width, "", "", ours))
        bad = [r for r in self.rows if r[1].startswith("MISMATCH")]
        counts = {}
        for r in self.rows:
            counts[r[1].split(" (")[0]] = counts.get(r[1].split(" (")[0], 0) + 1
        print("\n%d comparisons over %d types: %s" % (
            len(self.rows), len(self.types), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
        return not bad


def compare_groups(cli, tally, vectors):
    for i, (slug, description, lines) in enumerate(GROUPS):
        msg = response(lines, 0x5300 + i)
        wire = msg.to_wire(want_shuffle=False)  # RRsets in the order written
        ours = cli_parse(cli, wire)
        if "error" in ours:
            print("%s: we refuse it: %s" % (slug, ours["error"]["message"]))
            tally.rows.append((slug, "MISMATCH (refused)", "", ours["error"]["message"]))
            continue
        back = dns.message.from_wire(wire)
        theirs = [(rrset.rdtype, rd.to_text()) for rrset in back.answer for rd in rrset]
        for (rdtype, text), ans in zip(theirs, ours["answers"]):
            assert ans["type"] == dns.rdatatype.to_text(rdtype) or rdtype > 65, ans
            tally.record(rdtype, text, ans["data"])
        vectors.append(("dnspython-" + slug, description + ", built with " + SOURCE, wire))


def compare_update(cli, tally, vectors):
    """RFC 2136: every prerequisite and update form, built by dnspython."""
    u = dns.update.UpdateMessage("example.", id=0x2136)
    u.present("www")                        # §2.4.4 name is in use: ANY ANY
    u.present("www", "A")                   # §2.4.1 RRset exists: ANY A
    u.present("mail", "MX", "10 mx.example.")  # §2.4.2 value-dependent: IN MX
    u.absent("gone")                        # §2.4.5 name not in use: NONE ANY
    u.absent("gone", "AAAA")                # §2.4.3 RRset does not exist: NONE AAAA
    u.add("new", 300, "A", "192.0.2.1")     # §2.5.1 add
    u.delete("old", "A")                    # §2.5.2 delete an RRset: ANY A
    u.delete("all")                         # §2.5.3 delete all RRsets: ANY ANY
    u.delete("www", "A", "192.0.2.2")       # §2.5.4 delete an RR: NONE A
    wire = u.to_wire(want_shuffle=False)
    ours = cli_parse(cli, wire)
    if "error" in ours:
        tally.rows.append(("UPDATE", "MISMATCH (refused)", "", ours["error"]["message"]))
        return
    back = dns.message.from_wire(wire)
    theirs = []
    for section in (back.prerequisite, back.update):
        for rrset in section:
            theirs += rrset.to_text().splitlines()
    ours_lines = []
    for rec in ours["answers"] + ours["authorities"]:
        ours_lines.append(" ".join(str(x) for x in (
            rec["name"], rec["ttl"], rec["class"], rec["type"], rec["data"]) if x != ""))
    for t, o in zip(theirs, ours_lines):
        # dnspython leaves the TTL out of a record without RDATA (an empty rdataset);
        # dig and we print the TTL that is on the wire (0).
        words = o.split()
        equal = t == o or (len(words) == 4 and t.split() == [words[0]] + words[2:])
        tally.line("UPDATE", t, o, equal)
    vectors.append(("dnspython-rfc2136-update",
                    "RFC 2136 UPDATE: zone example. SOA; prerequisites ANY ANY, ANY A, "
                    "IN MX, NONE ANY, NONE AAAA; updates add A, delete RRset (ANY A), delete "
                    "all (ANY ANY), delete an RR (NONE A); built with " + SOURCE, wire))


def compare_rcodes(cli, tally, vectors):
    for rcode in (12, 15, 3841):
        msg = dns.message.Message(id=0x1200 + rcode % 256)
        msg.flags = dns.flags.QR
        if rcode > 15:
            msg.use_edns(0)
        msg.set_rcode(rcode)
        wire = msg.to_wire(want_shuffle=False)
        ours = cli_parse(cli, wire)
        theirs = dns.rcode.to_text(dns.message.from_wire(wire).rcode())
        tally.line("rcode", theirs, ours.get("rcode", ours), theirs == ours.get("rcode"))
        vectors.append(("dnspython-rcode-%d" % rcode,
                        "A response with rcode %d, which has no mnemonic (printed as the number)%s; "
                        "built with %s" % (rcode, ", the upper 8 bits in OPT (RFC 6891 §6.1.3)"
                                           if rcode > 15 else "", SOURCE), wire))


KEYRING = dns.tsigkeyring.from_text({"key.example.": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"})
SIGNED_AT = 1700000000


def at_signing_time(f):
    """Runs f with the clock at SIGNED_AT, so the signature (and its check) repeat."""
    real = time.time
    time.time = lambda: SIGNED_AT
    try:
        return f()
    finally:
        time.time = real


def compare_tsig(cli, tally, vectors):
    q = dns.message.make_query("www.example.", "A", id=0x8945)
    q.flags = 0
    q.use_tsig(KEYRING, algorithm=dns.tsig.HMAC_SHA256)
    wire = at_signing_time(q.to_wire)
    ours = cli_parse(cli, wire)
    back = at_signing_time(lambda: dns.message.from_wire(wire, keyring=KEYRING))
    theirs = back.tsig[0].to_text()
    if "error" in ours:
        tally.rows.append(("TSIG", "MISMATCH (refused)", theirs, ours["error"]["message"]))
    else:
        tally.record(dns.rdatatype.TSIG, theirs, ours["additionals"][-1]["data"],
                     dns.rdataclass.ANY)
    vectors.append(("dnspython-rfc8945-tsig-signed",
                    "A query signed with TSIG hmac-sha256 (key key.example.), the TSIG "
                    "record last (RFC 8945 §5.1); built with " + SOURCE, wire))
    # The same TSIG record followed by an A record (www.example. 0 IN A 192.0.2.1,
    # its owner a pointer to the question): refused (RFC 8945 §5.1).
    extra = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\xc0\x00\x02\x01"
    arcount = int.from_bytes(wire[10:12], "big")
    bad = wire[:10] + (arcount + 1).to_bytes(2, "big") + wire[12:] + extra
    tsig_at = tsig_offset(wire)
    vectors.append(("invalid-rfc8945-5.1-tsig-not-last",
                    "Invalid: an A record after the TSIG record (RFC 8945 §5.1: TSIG is the "
                    "last record of the additional section); error at offset %d, field tsig; "
                    "the signed query built with %s" % (tsig_at, SOURCE), bad))
    # Two TSIG records: the second refused.
    two = wire[:10] + (arcount + 1).to_bytes(2, "big") + wire[12:] + wire[tsig_at:]
    vectors.append(("invalid-rfc8945-5.1-two-tsig",
                    "Invalid: two TSIG records (RFC 8945 §5.1: the only TSIG RR); error at "
                    "offset %d, field tsig; the signed query built with %s" % (len(wire), SOURCE),
                    two))


def tsig_offset(wire):
    """Where the last record (the TSIG) of a message with one question starts."""
    pos = 12
    while wire[pos]:
        pos += 1 + wire[pos]
    pos += 5
    return pos  # the query has no other record: the TSIG follows the question


def write(vectors):
    for name, description, wire in vectors:
        path = os.path.join(HERE, name + ".json")
        old = json.load(open(path)) if os.path.exists(path) else {}
        v = {"description": description, "source": SOURCE, "format": "dns", "hex": wire.hex()}
        if old.get("hex") == v["hex"] and "expect" in old:
            v["expect"] = old["expect"]
        with open(path, "w") as f:
            json.dump(v, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print("wrote", os.path.relpath(path, ROOT))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.path.join(ROOT, "target", "debug", "wirestate"))
    ap.add_argument("--write", action="store_true", help="write the dnspython-*.json vectors")
    args = ap.parse_args()
    tally, vectors = Tally(), []
    compare_groups(args.cli, tally, vectors)
    compare_update(args.cli, tally, vectors)
    compare_rcodes(args.cli, tally, vectors)
    compare_tsig(args.cli, tally, vectors)
    ok = tally.report()
    if args.write:
        write(vectors)
    sys.exit(0 if ok else 1)


main()

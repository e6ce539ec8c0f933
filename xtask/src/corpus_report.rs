//! `cargo xtask corpus-report`: the per-corpus summary of the bench corpora
//! (spec-vectors/bench-corpora, timed by benches/benches/corpus/mod.rs).
//!
//! Each corpus is a criterion group `corpus_<name>` with one benchmark per
//! implementation and input (`<imp>/<input>`), and a group `corpus_<name>_all` that
//! times the whole corpus per iteration. For each corpus and peer this prints the
//! median over the inputs of peer time / wirestate time, the worst input (the lowest
//! ratio), how many inputs are below 1 (the peer faster) and the whole-corpus ratio;
//! then the five worst inputs of each. Per-input times are criterion's median, which
//! a preempted sample on a shared machine moves less than the mean.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::bench::{collect, human, Row, OURS};
use crate::util::root;

const PREFIX: &str = "corpus_";
const WHOLE: &str = "_all";

pub fn run(_args: &[String]) -> Result<(), String> {
    let rows = collect(&root().join("target/criterion"))?;
    let out = render(&rows);
    if out.is_empty() {
        return Err("no corpus results: run `cargo bench -p wirestate-benches -- corpus`".into());
    }
    println!("{out}");
    Ok(())
}

/// One input of one corpus, for one peer.
struct Ratio<'a> {
    input: &'a str,
    ours_ns: f64,
    peer_ns: f64,
}

impl Ratio<'_> {
    fn value(&self) -> f64 {
        self.peer_ns / self.ours_ns
    }
}

/// The corpus section of RESULTS.md; empty when no corpus was run.
pub(crate) fn render(rows: &[Row]) -> String {
    // corpus -> peer -> the inputs both were timed on
    let mut corpora: BTreeMap<&str, BTreeMap<&str, Vec<Ratio<'_>>>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.group.starts_with(PREFIX) && !r.imp.starts_with(OURS)) {
        let Some(input) = r.input.as_deref() else { continue };
        let ours = rows.iter().find(|o| {
            o.group == r.group && o.imp.starts_with(OURS) && o.input.as_deref() == Some(input)
        });
        if let Some(o) = ours {
            let ratios = corpora.entry(&r.group).or_default().entry(&r.imp).or_default();
            ratios.push(Ratio { input, ours_ns: o.median_ns, peer_ns: r.median_ns });
        }
    }
    if corpora.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Corpora\n\n");
    out.push_str(
        "spec-vectors/bench-corpora: messages captured from real clients and servers (each\n\
         corpus' README says which). Per input, criterion's median time per iteration from a\n\
         short run; `ratio` is the peer's time divided by wirestate's (above 1: wirestate is\n\
         faster). `whole` times the corpus as one iteration (means).\n\n",
    );
    out.push_str(
        "| corpus | peer | inputs | median ratio | worst input | worst ratio | inputs below 1 | whole |\n\
         |---|---|---:|---:|---|---:|---:|---:|\n",
    );
    let mut worst_table = String::from(
        "\nThe five worst inputs of each corpus and peer:\n\n\
         | corpus | peer | input | wirestate | peer | ratio |\n|---|---|---|---:|---:|---:|\n",
    );
    for (group, peers) in &mut corpora {
        let corpus = group.trim_start_matches(PREFIX);
        for (peer, ratios) in peers.iter_mut() {
            ratios.sort_by(|a, b| a.value().total_cmp(&b.value()));
            let values: Vec<f64> = ratios.iter().map(Ratio::value).collect();
            let Some(worst) = ratios.first() else { continue };
            let below = values.iter().filter(|v| **v < 1.0).count();
            let _ = writeln!(
                out,
                "| {corpus} | {peer} | {} | {:.2} | {} | {:.2} | {below} | {} |",
                ratios.len(),
                median(&values),
                worst.input,
                worst.value(),
                whole(rows, group, peer).map_or("—".into(), |w| format!("{w:.2}")),
            );
            for r in ratios.iter().take(5) {
                let _ = writeln!(
                    worst_table,
                    "| {corpus} | {peer} | {} | {} | {} | {:.2} |",
                    r.input,
                    human(r.ours_ns),
                    human(r.peer_ns),
                    r.value()
                );
            }
        }
    }
    out.push_str(&worst_table);
    out
}

/// The median of sorted `values`.
fn median(values: &[f64]) -> f64 {
    let n = values.len();
    match (values.get(n / 2), n % 2) {
        (Some(m), 1) => *m,
        (Some(m), _) => values.get(n / 2 - 1).map_or(*m, |l| (l + m) / 2.0),
        (None, _) => f64::NAN,
    }
}

/// The whole-corpus ratio from `<group>_all`, when it was run.
fn whole(rows: &[Row], group: &str, peer: &str) -> Option<f64> {
    let all = format!("{group}{WHOLE}");
    let time = |imp: &str| {
        rows.iter().find(|r| r.group == all && r.imp == imp && r.input.is_none()).map(|r| r.ns)
    };
    Some(time(peer)? / time(OURS)?)
}

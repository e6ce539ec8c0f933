//! `cargo xtask corpus-report`: the per-corpus summary of the bench corpora
//! (spec-vectors/bench-corpora, timed by benches/benches/corpus/mod.rs).
//!
//! Each corpus is a criterion group `corpus_<name>` with one benchmark per
//! implementation and input (`<imp>/<input>`), and a group `corpus_<name>_all` that
//! times the whole corpus per iteration. For each corpus and peer this prints the
//! median over the inputs of peer time / wirestate time, the worst input (the lowest
//! ratio), how many inputs are below 1 (the peer faster) and the whole-corpus ratio;
//! then the five worst inputs of each. Per-input times are criterion's median (of
//! thread CPU time, see benches/benches/corpus/mod.rs).
//!
//! `--confirm N` first times the N worst inputs of each corpus and peer again, each
//! for 3 s instead of 0.5 s, so the worst inputs reported are not the ones a short
//! run happened to catch at a bad moment (on a shared machine a 0.5 s figure can be
//! 30 % off); it repeats with the new N worst until they have all been re-timed, at
//! most three rounds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::bench::{collect, human, Row, OURS};
use crate::util::{cargo, flag_value, root, sh};

const PREFIX: &str = "corpus_";
const WHOLE: &str = "_all";

/// Per-input measurement time when confirming the worst inputs, in ms.
const CONFIRM_MS: &str = "3000";

pub fn run(args: &[String]) -> Result<(), String> {
    let criterion = root().join("target/criterion");
    if let Some(n) = flag_value(args, "--confirm") {
        let n: usize = n.parse().map_err(|e| format!("--confirm: {e}"))?;
        confirm(&criterion, n)?;
    }
    let rows = collect(&criterion)?;
    let out = render(&rows);
    if out.is_empty() {
        return Err("no corpus results: run `cargo bench -p wirestate-benches -- corpus`".into());
    }
    println!("{out}");
    Ok(())
}

/// Rounds of `confirm`: a re-timed input often ranks better, and the next worst of the
/// short run takes its place; by the third round the worst ones have been re-timed.
const CONFIRM_ROUNDS: usize = 3;

/// Times the `n` worst inputs of each corpus and peer again, longer, until the `n`
/// worst have all been re-timed (at most `CONFIRM_ROUNDS` rounds).
pub(crate) fn confirm(criterion: &Path, n: usize) -> Result<(), String> {
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    for _ in 0..CONFIRM_ROUNDS {
        let rows = collect(criterion)?;
        let mut todo: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (group, peers) in ratios(&rows) {
            for mut ratios in peers.into_values() {
                ratios.sort_by(|a, b| a.value().total_cmp(&b.value()));
                for r in ratios.iter().take(n) {
                    if !done.contains(&(group.to_string(), r.input.to_string())) {
                        todo.entry(group).or_default().insert(r.input);
                    }
                }
            }
        }
        if todo.is_empty() {
            break;
        }
        for (group, names) in &todo {
            retime(group, names)?;
            done.extend(names.iter().map(|i| (group.to_string(), i.to_string())));
        }
    }
    Ok(())
}

/// Runs the per-input benches of `names` in corpus `group` again for `CONFIRM_MS`.
fn retime(group: &str, names: &BTreeSet<&str>) -> Result<(), String> {
    let corpus = group.trim_start_matches(PREFIX);
    let bench = if corpus.starts_with("http1") { "http1" } else { corpus };
    let alternatives: Vec<String> = names.iter().map(|s| s.replace('.', "\\.")).collect();
    let filter = format!("^{group}/[^/]+/({})$", alternatives.join("|"));
    sh(cargo()
        .args(["bench", "-p", "wirestate-benches", "--bench", bench, "--", &filter])
        .env("WS_CORPUS_MEASUREMENT_MS", CONFIRM_MS))
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

/// corpus group -> peer -> the inputs both were timed on.
type Ratios<'a> = BTreeMap<&'a str, BTreeMap<&'a str, Vec<Ratio<'a>>>>;

fn ratios(rows: &[Row]) -> Ratios<'_> {
    let mut corpora: Ratios<'_> = BTreeMap::new();
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
    corpora
}

/// The corpus section of RESULTS.md; empty when no corpus was run.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut corpora = ratios(rows);
    if corpora.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Corpora\n\n");
    out.push_str(
        "spec-vectors/bench-corpora: messages captured from real clients and servers (each\n\
         corpus' README says which). Per input, criterion's median thread CPU time per\n\
         iteration from a 0.5 s run (3 s for the five worst of each corpus and peer, timed\n\
         again); `ratio` is the peer's time divided by wirestate's (above 1: wirestate is\n\
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
    // Peers timed on the whole corpus only.
    for r in rows.iter().filter(|r| r.group.ends_with(WHOLE) && r.input.is_none()) {
        let group = r.group.trim_end_matches(WHOLE);
        let timed_per_input = corpora.get(group).is_some_and(|p| p.contains_key(r.imp.as_str()));
        if r.imp.starts_with(OURS) || timed_per_input || !group.starts_with(PREFIX) {
            continue;
        }
        if let Some(w) = whole(rows, group, &r.imp) {
            let corpus = group.trim_start_matches(PREFIX);
            let _ = writeln!(out, "| {corpus} | {} | — | — | — | — | — | {w:.2} |", r.imp);
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

//! The bench corpora of `spec-vectors/bench-corpora/` (one raw message per file, each
//! corpus' README says what produced it), and the two ways they are timed:
//!
//! - `corpus_<name>`: every input on its own, each implementation beside wirestate
//!   (`BenchmarkId::new(implementation, input)`), with short warm-up and measurement
//!   times so a corpus of ~80 inputs stays within a couple of minutes. `cargo xtask
//!   corpus-report` reads these back and prints, per corpus and peer, the median of the
//!   per-input ratios, the worst input and the five worst; with `--confirm N` it first
//!   times the N worst inputs of each again, longer (`WS_CORPUS_MEASUREMENT_MS`, the
//!   per-input measurement time, default 500 ms: criterion's own `--measurement-time`
//!   does not reach a group that sets its own).
//! - `corpus_<name>_all`: the whole corpus as one iteration per implementation, with the
//!   run's default times (the inputs every implementation decoded).
//!
//! Both time the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not wall time: on a
//! machine shared with other work, the time a thread waits for a core lands in
//! whichever sample it falls in and moves a 0.5 s per-input measurement by tens of
//! percent, one implementation at a time, so the per-input ratios would rank noise.
//!
//! An input an implementation rejects is not timed for it, and one where it reads a
//! different result than wirestate is timed but named; both are printed when the bench
//! starts, so they show in the log beside the figures.

use std::fmt::Debug;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use rustix::time::{clock_gettime, ClockId};

/// One message of a corpus: its file name without the extension, and its bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The files of `spec-vectors/bench-corpora/<dir>` (`.http` or `.bin`), sorted by name.
pub fn load(dir: &str) -> Vec<Input> {
    let root = format!("{}/../spec-vectors/bench-corpora/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<Input> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{root}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "http" || x == "bin"))
        .map(|p| Input {
            name: p.file_stem().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect();
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!inputs.is_empty(), "{root} holds no corpus files");
    inputs
}

/// The calling thread's CPU time so far.
fn thread_cpu_time() -> Duration {
    let t = clock_gettime(ClockId::ThreadCPUTime);
    Duration::new(u64::try_from(t.tv_sec).unwrap_or(0), u32::try_from(t.tv_nsec).unwrap_or(0))
}

/// `iters` runs of `routine`, in thread CPU time.
fn cpu_time_of<R>(iters: u64, mut routine: impl FnMut() -> R) -> Duration {
    let start = thread_cpu_time();
    for _ in 0..iters {
        black_box(routine());
    }
    thread_cpu_time().saturating_sub(start)
}

/// An implementation under test: its name and what it does to one input (`None`
/// when it rejects the input). wirestate comes first.
pub type Implementation<T> = (&'static str, fn(&[u8]) -> Option<T>);

/// Times `implementations` on every input of `corpus` (see the module doc): the first
/// `per_input` of them input by input, all of them on the whole corpus.
pub fn bench<T: PartialEq + Debug>(
    c: &mut Criterion,
    corpus: &str,
    inputs: &[Input],
    implementations: &[Implementation<T>],
    per_input: usize,
) {
    let Some((ours_name, ours)) = implementations.first() else { return };
    // Which implementation decodes which input.
    let mut accepted = vec![vec![false; inputs.len()]; implementations.len()];
    for (i, input) in inputs.iter().enumerate() {
        let expected = ours(&input.bytes);
        if expected.is_none() {
            println!("corpus {corpus}: {ours_name} rejects {}", input.name);
        }
        for (k, (name, f)) in implementations.iter().enumerate() {
            let got = f(&input.bytes);
            accepted[k][i] = got.is_some() && expected.is_some();
            match (&expected, &got) {
                (Some(_), None) => println!("corpus {corpus}: {name} rejects {}", input.name),
                (Some(e), Some(g)) if e != g => println!(
                    "corpus {corpus}: {name} reads {} as {g:?}, {ours_name} as {e:?}",
                    input.name
                ),
                _ => {}
            }
        }
    }
    let measurement_ms =
        std::env::var("WS_CORPUS_MEASUREMENT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let mut g = c.benchmark_group(format!("corpus_{corpus}"));
    g.warm_up_time(Duration::from_millis(150))
        .measurement_time(Duration::from_millis(measurement_ms))
        .sample_size(20)
        .nresamples(10_000);
    for (i, input) in inputs.iter().enumerate() {
        for (k, (name, f)) in implementations.iter().enumerate().take(per_input) {
            if accepted[k][i] {
                g.bench_with_input(
                    BenchmarkId::new(*name, &input.name),
                    &input.bytes[..],
                    |b, x| b.iter(|| f(black_box(x))),
                );
            }
        }
    }
    g.finish();
    let common: Vec<&[u8]> = inputs
        .iter()
        .enumerate()
        .filter(|(i, _)| accepted.iter().all(|a| a[*i]))
        .map(|(_, input)| &input.bytes[..])
        .collect();
    println!("corpus {corpus}: {} inputs, {} decoded by all", inputs.len(), common.len());
    let mut g = c.benchmark_group(format!("corpus_{corpus}_all"));
    for (name, f) in implementations {
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_custom(|iters| {
                cpu_time_of(iters, || {
                    for x in &common {
                        black_box(f(black_box(x)));
                    }
                })
            })
        });
    }
    g.finish();
}

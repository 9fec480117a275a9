//! A bounded, deterministic fuzz test: a few thousand mutants of real
//! files (byte flips, truncation, random Unicode, repeated lines, …) run
//! through `check` and `build` in this process. Neither may panic, and
//! `check` succeeds exactly when `build` does.
//!
//! Fixed seed, so a failure is reproducible; QINGDAN_FUZZ_CASES and
//! QINGDAN_FUZZ_SEED change the count and the seed. Before each case the
//! mutant is written to `target/fuzz-current.txt`, so that a case that
//! aborts the process (a stack overflow cannot be caught) is not lost.

mod common;

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use common::*;
use qingdan::pipeline;

/// Characters worth inserting: Markdown and TOML syntax, controls,
/// Chinese, full-width forms, a BOM, combining marks, an emoji.
const ALPHABET: &[char] = &[
    '#', '>', '-', '*', '_', '[', ']', '(', ')', '!', '`', '<', '\\', '|', '+', '=', '"', '\'',
    '\n', '\t', ' ', ':', '.', '1', 'a', '\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}',
    '\u{feff}', '\u{200b}', '\u{202e}', '\u{301}', '中', '疏', '附', '县', '局', '：', '（', '）',
    '、', '１', 'Ａ', '\u{3000}', '😀', '\u{fffd}',
];

fn mutate(rng: &mut fastrand::Rng, original: &[u8]) -> Vec<u8> {
    let mut b = original.to_vec();
    for _ in 0..rng.usize(1..=2) {
        let at = rng.usize(0..=b.len());
        match rng.u8(0..8) {
            // Flip a bit: also breaks UTF-8.
            0 if !b.is_empty() => {
                let i = rng.usize(0..b.len());
                b[i] ^= 1 << rng.u8(0..8);
            }
            1 => b.truncate(at),
            2 | 3 => {
                let s: String = (0..rng.usize(1..8))
                    .map(|_| ALPHABET[rng.usize(0..ALPHABET.len())])
                    .collect();
                // Keep inserts on character boundaries most of the time.
                let at = (0..=at).rev().find(|&i| is_boundary(&b, i)).unwrap_or(0);
                b.splice(at..at, s.bytes());
            }
            // Repeat a line: deep lists and quotes, huge files.
            4 | 5 => {
                let lines: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let line = lines[rng.usize(0..lines.len())].to_vec();
                let times = [2, 40, 1_500, 90_000][rng.usize(0..4)];
                let mut repeated = Vec::new();
                for _ in 0..times {
                    repeated.extend_from_slice(&line);
                }
                let pos = rng.usize(0..=lines.len());
                let mut out: Vec<u8> = lines[..pos].concat();
                out.extend(repeated);
                out.extend(lines[pos..].concat());
                b = out;
            }
            // Nest: one line of list or quote markers, or a long word.
            6 => {
                let unit: &[u8] = [&b"- "[..], b"> ", b"1. ", b"*", b"a"][rng.usize(0..5)];
                let times = [10, 40, 1_300, 25_000][rng.usize(0..4)];
                let mut s = b"\n".to_vec();
                for _ in 0..times {
                    s.extend_from_slice(unit);
                }
                s.extend_from_slice("文字\n".as_bytes());
                b.extend(s);
            }
            // Delete a range.
            _ if !b.is_empty() => {
                let from = rng.usize(0..b.len());
                let to = (from + rng.usize(1..64)).min(b.len());
                b.drain(from..to);
            }
            _ => {}
        }
    }
    b
}

fn is_boundary(b: &[u8], i: usize) -> bool {
    i == 0 || i == b.len() || (b[i] as i8) >= -0x40
}

/// The files mutated, relative to the site root, and their bytes.
fn targets(site: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<PathBuf> = [
        "site.toml",
        "content/_index.md",
        "content/categories.toml",
        "content/departments.toml",
        "content/synonyms.toml",
        "content/basic/001.md",
        "content/basic/002.md",
        "content/cooperative/001.md",
        "content/revoked/001.md",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = fs::read(site.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Real bodies from the published list, grafted onto the fixture's
/// basic-002, so that mutants have the real content's shape.
fn real_bodies() -> Vec<String> {
    let mut bodies = Vec::new();
    for list in ["basic", "cooperative", "revoked"] {
        for n in [2, 25, 44, 86] {
            let path = repo().join(format!("content/{list}/{n:03}.md"));
            if let Ok(text) = fs::read_to_string(path) {
                if let Some((_, body)) = text.split_once("\n+++\n") {
                    bodies.push(body.to_string());
                }
            }
        }
    }
    bodies
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn check_succeeds_exactly_when_build_does_on_mutated_files() {
    let cases = env_number("QINGDAN_FUZZ_CASES", 2_000);
    let seed = env_number("QINGDAN_FUZZ_SEED", 20_261_130);
    let mut rng = fastrand::Rng::with_seed(seed);

    let site = fixture_site();
    let root = site.path();
    let out_dir = tempfile::tempdir().unwrap();
    let output = out_dir.path().join("dist");
    let mut pool = targets(root);
    let graft = PathBuf::from("content/basic/002.md");
    let front = String::from_utf8(fs::read(root.join(&graft)).unwrap()).unwrap();
    let front = front.split_once("\n+++\n").unwrap().0.to_string();
    for body in real_bodies() {
        pool.push((graft.clone(), format!("{front}\n+++\n{body}").into_bytes()));
    }
    assert!(pool.len() >= 17, "real bodies found: {}", pool.len() - 9);
    let current = repo().join("target/fuzz-current.txt");

    let (mut accepted, mut refused) = (0, 0);
    for case in 0..cases {
        let (rel, original) = &pool[rng.usize(0..pool.len())];
        let mutant = mutate(&mut rng, original);
        let _ = fs::write(
            &current,
            [
                format!("seed {seed} case {case} file {}\n", rel.display()).as_bytes(),
                &mutant,
            ]
            .concat(),
        );
        let path = root.join(rel);
        let pristine = fs::read(&path).unwrap();
        fs::write(&path, &mutant).unwrap();

        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let (site, diags) = pipeline::check(root, None);
            let checked = site.is_some() && !diags.has_errors();
            let built = pipeline::build(root, &output, None, false).is_ok();
            (checked, built)
        }));
        let (checked, built) = outcome.unwrap_or_else(|_| {
            panic!(
                "case {case} (seed {seed}) panicked on a mutant of {}",
                rel.display()
            )
        });
        assert_eq!(
            checked,
            built,
            "case {case} (seed {seed}): check {} but build {} on a mutant of {}; the mutant is in {}",
            if checked { "passed" } else { "failed" },
            if built { "passed" } else { "failed" },
            rel.display(),
            current.display()
        );
        if checked {
            accepted += 1;
        } else {
            refused += 1;
        }
        fs::write(&path, pristine).unwrap();
    }
    let _ = fs::remove_file(&current);
    eprintln!("{cases} mutants: {accepted} accepted by both, {refused} refused by both");
    // A fuzzer that only ever produces garbage tests nothing.
    assert!(
        accepted > cases / 10,
        "only {accepted} of {cases} mutants were valid"
    );
    assert!(
        refused > cases / 10,
        "only {refused} of {cases} mutants were invalid"
    );
}

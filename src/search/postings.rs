//! The inverted index, in shards: every token goes to the shard its hash
//! names, so a query loads only the shards of its own tokens. Each shard is
//! built with elasticlunr-rs (one `InvertedIndex` per field) and written in
//! a compact layout:
//!
//! ```json
//! {"低保": {"t": [49, 8], "b": [49, 8, 12]}, "服务": "3-0"}
//! ```
//!
//! A token maps to its postings per field (`t` title, `c` category, `d`
//! departments, `b` body), each a list of document numbers, sorted, the
//! first absolute and the rest as differences. A token whose postings are
//! big gets a file of its own (`t/3-0.json` above), so that sharing a shard
//! with a common word does not make a rare word's search heavy.

use std::fmt::Write as _;

use elasticlunr::inverted_index::InvertedIndex;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::tokenize::{hash, index_tokens};
use super::Doc;
use crate::output::{put_compressed, Sink};

/// The fields' keys in the shard files, in the order of `Doc::fields`.
pub const FIELD_KEYS: [&str; 4] = ["t", "c", "d", "b"];

/// A token's postings above this many bytes go to their own file.
const OWN_FILE_BYTES: usize = 4 * 1024;

/// The shards are built in passes, each tokenizing every document again
/// and keeping the tokens of its own shards, so that no more than a few
/// passes' worth of postings are in memory at a time: one pass per this
/// many bytes of text (at least one per core, at most [`MAX_PASSES`]):
/// fewer passes tokenize less, more keep less in memory; 2 MB is where
/// both are about as before at 28,200 matters and far fewer below.
const TEXT_PER_PASS: usize = 2 << 20;
const MAX_PASSES: usize = 16;

fn passes(text_bytes: usize, shards: u32) -> u32 {
    let wanted = text_bytes
        .div_ceil(TEXT_PER_PASS)
        .max(rayon::current_num_threads())
        .min(MAX_PASSES);
    u32::try_from(wanted).unwrap_or(1).clamp(1, shards)
}

/// How many shards for this many bytes of indexed text: about 12 KB of
/// postings each, a power of two.
fn shard_count(text_bytes: usize) -> u32 {
    // Measured on the real list: the shards are 2.5 times the text.
    let postings = text_bytes / 2 * 5;
    let wanted = (postings / (12 * 1024)).max(1);
    let n = wanted.next_power_of_two().clamp(8, 1 << 16);
    u32::try_from(n).unwrap_or(1 << 16)
}

/// The token standing for "a term of synonym group `g` occurs here"; it
/// cannot be a word token (those have no `#`).
pub fn group_token(g: u32) -> String {
    format!("#g{g}")
}

pub fn shard_of(token: &str, shards: u32) -> u32 {
    shard_of_hash(hash(token), shards)
}

/// [`shard_of`] a token whose hash is known (`shards` is a power of two).
fn shard_of_hash(h: u32, shards: u32) -> u32 {
    h & (shards - 1)
}

/// One shard in the making: a field index per field, and its tokens (as
/// numbers of the pass's [`Tokens`]).
#[derive(Default)]
struct Shard {
    fields: [InvertedIndex; 4],
    tokens: Vec<u32>,
}

/// The tokens of one pass, each stored once and numbered in the order
/// first met: a document's tokens are counted by number, without a string
/// made or hashed again for every occurrence.
#[derive(Default)]
struct Tokens {
    numbers: FxHashMap<Box<str>, u32>,
    /// By number: the token and its shard.
    tokens: Vec<(Box<str>, u32)>,
}

impl Tokens {
    fn number(&mut self, token: &str, shard: u32) -> u32 {
        if let Some(&n) = self.numbers.get(token) {
            return n;
        }
        let n = u32::try_from(self.tokens.len()).unwrap_or(u32::MAX);
        self.numbers.insert(token.into(), n);
        self.tokens.push((token.into(), shard));
        n
    }
}

/// One token of one field of one document, and how many times it occurs
/// there: what the pass hands to elasticlunr, shard by shard.
#[derive(Clone, Copy)]
struct Posting {
    token: u32,
    doc: u32,
    field: u8,
    times: u32,
}

/// Builds and writes `search/t/<n>.json` for every shard; returns how many
/// shards there are.
pub fn write_shards(docs: &[Doc], out: &dyn Sink) -> Result<u32, String> {
    let text_bytes = docs
        .iter()
        .flat_map(|d| d.fields.iter())
        .map(|f| f.len())
        .sum();
    let shards = shard_count(text_bytes);
    let passes = passes(text_bytes, shards);
    // Document references of one width, so that their order as strings is
    // their order as numbers: elasticlunr keeps each token's documents in
    // a map ordered by reference, and a token's documents come in order,
    // so each is added at the end of the map, cheaper than in its middle.
    let width = docs
        .iter()
        .map(|d| d.number)
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    let references: Vec<String> = docs
        .iter()
        .map(|d| format!("{:0width$}", d.number))
        .collect();
    (0..passes).into_par_iter().try_for_each(|pass| {
        let (tokens, postings) = collect_pass(docs, shards, passes, pass);
        // Each shard is built and written in one go, from its own postings:
        // its elasticlunr indexes are small and stay in the cache, and
        // only the shards being written are in memory as indexes.
        postings
            .into_par_iter()
            .enumerate()
            .try_for_each(|(slot, postings)| {
                let shard = pass + u32::try_from(slot).unwrap_or(u32::MAX) * passes;
                let content = build_shard(&postings, &tokens, &references);
                drop(postings);
                write_shard(shard, &content, &tokens, out)
            })
    })?;
    Ok(shards)
}

/// The postings of one pass's shards (`pass`, `pass + passes`, …; the i-th
/// of them at `[i]`), each in the order of the documents, and its tokens.
fn collect_pass(docs: &[Doc], shards: u32, passes: u32, pass: u32) -> (Tokens, Vec<Vec<Posting>>) {
    let slots = (pass..shards).step_by(passes as usize).count();
    let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); slots];
    let mut tokens = Tokens::default();
    // Per token number, its count in one field of one document, and the
    // numbers counted there (to add them and reset their counts).
    let mut counts: Vec<u32> = Vec::new();
    let mut counted: Vec<u32> = Vec::new();
    let count = |n: u32, counts: &mut Vec<u32>, counted: &mut Vec<u32>| {
        let i = n as usize;
        if i >= counts.len() {
            counts.resize(i + 1, 0);
        }
        if counts[i] == 0 {
            counted.push(n);
        }
        counts[i] += 1;
    };
    for (d, doc) in (0u32..).zip(docs) {
        for (field, text) in (0u8..).zip(&doc.fields) {
            // Most tokens belong to other passes: their hash tells, before
            // the token is made.
            let in_pass = |h: u32| shard_of_hash(h, shards) % passes == pass;
            index_tokens(text, in_pass, |token, h| {
                let shard = shard_of_hash(h, shards);
                count(tokens.number(token, shard), &mut counts, &mut counted);
            });
            for group in &doc.groups[usize::from(field)] {
                let token = group_token(*group);
                let shard = shard_of(&token, shards);
                if shard % passes == pass {
                    let n = tokens.number(&token, shard);
                    if counts.get(n as usize).is_none_or(|c| *c == 0) {
                        count(n, &mut counts, &mut counted);
                    }
                }
            }
            for n in counted.drain(..) {
                let shard = tokens.tokens[n as usize].1;
                postings[(shard / passes) as usize].push(Posting {
                    token: n,
                    doc: d,
                    field,
                    times: std::mem::take(&mut counts[n as usize]),
                });
            }
        }
    }
    (tokens, postings)
}

/// A shard's elasticlunr indexes, from its postings.
fn build_shard(postings: &[Posting], tokens: &Tokens, references: &[String]) -> Shard {
    let mut shard = Shard::default();
    for p in postings {
        let Some((reference, (token, _))) = references
            .get(p.doc as usize)
            .zip(tokens.tokens.get(p.token as usize))
        else {
            continue;
        };
        // elasticlunr's term frequency: the square root of the count.
        shard.fields[usize::from(p.field)].add_token(reference, token, f64::from(p.times).sqrt());
    }
    shard.tokens = postings.iter().map(|p| p.token).collect();
    shard.tokens.sort_unstable();
    shard.tokens.dedup();
    shard
}

fn write_shard(shard: u32, content: &Shard, tokens: &Tokens, out: &dyn Sink) -> Result<(), String> {
    let mut json = String::from("{");
    let mut own = 0;
    let mut names: Vec<&str> = content
        .tokens
        .iter()
        .map(|&n| &*tokens.tokens[n as usize].0)
        .collect();
    names.sort_unstable();
    let mut postings = String::new();
    for (i, token) in names.into_iter().enumerate() {
        postings.clear();
        postings_json(content, token, &mut postings);
        if i > 0 {
            json.push(',');
        }
        json.push_str(&json_string(token));
        json.push(':');
        if postings.len() > OWN_FILE_BYTES {
            let name = format!("{shard}-{own}");
            own += 1;
            put_compressed(out, &format!("search/t/{name}.json"), postings.as_bytes())
                .map_err(|e| e.to_string())?;
            json.push_str(&json_string(&name));
        } else {
            json.push_str(&postings);
        }
    }
    json.push('}');
    put_compressed(out, &format!("search/t/{shard}.json"), json.as_bytes())
        .map_err(|e| e.to_string())
}

/// `{"t":[…],"b":[…]}` for one token, fields without it left out, into `json`.
fn postings_json(content: &Shard, token: &str, json: &mut String) {
    json.push('{');
    let mut numbers: Vec<u64> = Vec::new();
    for (field, key) in FIELD_KEYS.iter().enumerate() {
        let Some(docs) = content.fields[field].get_docs(token) else {
            continue;
        };
        numbers.clear();
        numbers.extend(docs.keys().filter_map(|r| r.parse::<u64>().ok()));
        if numbers.is_empty() {
            continue;
        }
        // The references have one width: in order as strings, in order as
        // numbers.
        if !numbers.is_sorted() {
            numbers.sort_unstable();
        }
        if json.len() > 1 {
            json.push(',');
        }
        let _ = write!(json, "\"{key}\":");
        push_deltas(json, &numbers);
    }
    json.push('}');
}

/// `[first, second - first, …]` of sorted numbers.
pub fn deltas(sorted: &[u64]) -> String {
    let mut out = String::new();
    push_deltas(&mut out, sorted);
    out
}

fn push_deltas(out: &mut String, sorted: &[u64]) {
    let mut digits = itoa::Buffer::new();
    out.push('[');
    let mut last = 0;
    for (i, n) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(digits.format(n - last));
        last = *n;
    }
    out.push(']');
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// For tests: the postings of one token as the script would decode them.
#[cfg(test)]
pub fn decode(postings: &serde_json::Value) -> std::collections::BTreeMap<String, Vec<u64>> {
    let mut out = std::collections::BTreeMap::new();
    if let Some(map) = postings.as_object() {
        for (key, list) in map {
            let mut n = 0;
            let numbers = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_u64)
                .map(|d| {
                    n += d;
                    n
                })
                .collect();
            out.insert(key.clone(), numbers);
        }
    }
    out
}

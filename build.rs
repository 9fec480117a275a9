//! Work done once at compile time instead of on every build of a site:
//! - decompresses jieba's dictionary, so that the binary holds it as text:
//!   the repository keeps it compressed (1.9 MB instead of 5 MB), and no
//!   build spends time unpacking it (about a tenth of a build of 282
//!   matters), sums its frequencies and groups its words by their first
//!   two characters;
//! - writes the character readings (`search/r/<n>.json` and their `.gz`),
//!   the same for every site: about 7 ms of every build before;
//! - links the binary at a fixed address on Linux ([`link_fixed_address`]).

use std::io::Read as _;
use std::path::{Path, PathBuf};

include!("src/search/reading_table.rs");
include!("src/search/dictionary_key.rs");
include!("src/output/gzip.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    link_fixed_address();
    jieba_dictionary(&out)?;
    reading_files(&out)
}

/// A position-independent executable is patched by the loader on every
/// start: 88,000 pointers spread over 11 MB of the libraries' static
/// tables (minify-html's, clap's, …), 2,800 page faults, about 6 ms of
/// every run, a tenth of a build of 282 matters. Linked at a fixed
/// address, as Go links Hugo, the tables are read from the file as they
/// are needed and a run starts in about 2 ms. The code stays
/// position-independent; only the executable's own address is fixed
/// (libraries, stack and heap are still placed at random). Not for a
/// static build (`crt-static`, where `-no-pie` makes a binary that cannot
/// start), and not with `QINGDAN_PIE=1`: for packagers whose hardening
/// rules want a PIE, or who run `qingdan serve` where others can reach it.
fn link_fixed_address() {
    println!("cargo::rerun-if-env-changed=QINGDAN_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && !static_crt
        && var("QINGDAN_PIE") != "1"
    {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}

/// `readings-<n>.json`, its `.gz` (as `output::put_compressed` makes it)
/// and `readings.rs`, which includes them all in the binary.
fn reading_files(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=src/search/reading_table.rs");
    println!("cargo::rerun-if-changed=src/output/gzip.rs");
    let mut list = String::from("/// `search/r/<n>.json` and its `.gz`, by `n`.\n");
    list.push_str(&format!(
        "pub static READING_FILES: [(&[u8], &[u8]); {READING_SHARDS}] = [\n"
    ));
    for shard in 0..READING_SHARDS {
        let json = reading_table(shard)?;
        let gz = gzip(&json)?;
        let name = format!("readings-{shard}.json");
        std::fs::write(out.join(&name), &json)?;
        std::fs::write(out.join(format!("{name}.gz")), gz)?;
        list.push_str(&format!(
            "    (include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\")), include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.gz\"))),\n"
        ));
    }
    list.push_str("];\n");
    std::fs::write(out.join("readings.rs"), list)?;
    Ok(())
}

/// The dictionary, its lines grouped by their word's first two characters
/// (a word of one character by that character), groups in order of that
/// key and lines within a group in the dictionary's order; and the groups'
/// index, `jieba-index.bin`: per group, its key and where it ends (12
/// bytes, little-endian; see `search::reading`). A build then reads only
/// the groups whose first two characters its text holds, instead of all
/// 349,045 lines.
fn jieba_dictionary(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let source = "src/search/jieba-dict.txt.gz";
    println!("cargo::rerun-if-changed={source}");
    println!("cargo::rerun-if-changed=src/search/dictionary_key.rs");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(source)?).read_to_string(&mut text)?;
    // The sum of all words' frequencies, which word probabilities divide
    // by: a build keeps only some words, and needs the whole sum.
    let mut total: u64 = 0;
    let mut groups: std::collections::BTreeMap<u64, String> = std::collections::BTreeMap::new();
    for line in text.lines() {
        let (word, rest) = line
            .split_once(' ')
            .ok_or("a dictionary line without frequency")?;
        let freq = rest.split(' ').next().unwrap_or_default();
        total += freq.parse::<u64>()?;
        let group = groups.entry(dictionary_key(word)).or_default();
        group.push_str(line);
        group.push('\n');
    }
    let mut grouped = String::with_capacity(text.len());
    let mut index = Vec::with_capacity(groups.len() * 12);
    for (key, lines) in groups {
        grouped.push_str(&lines);
        index.extend_from_slice(&key.to_le_bytes());
        index.extend_from_slice(&u32::try_from(grouped.len())?.to_le_bytes());
    }
    std::fs::write(out.join("jieba-total.rs"), total.to_string())?;
    std::fs::write(out.join("jieba-dict.txt"), grouped)?;
    std::fs::write(out.join("jieba-index.bin"), index)?;
    Ok(())
}

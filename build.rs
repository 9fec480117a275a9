//! Work done once at compile time instead of on every build of a site:
//! - decompresses jieba's dictionary, so that the binary holds it as text:
//!   the repository keeps it compressed (1.9 MB instead of 5 MB), and no
//!   build spends time unpacking it (about a tenth of a build of 282
//!   matters), and sums its frequencies;
//! - writes the character readings (`search/r/<n>.json` and their `.gz`),
//!   the same for every site: about 7 ms of every build before.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

include!("src/search/reading_table.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    jieba_dictionary(&out)?;
    reading_files(&out)
}

/// `readings-<n>.json`, its `.gz` (as `output::put_compressed` makes it)
/// and `readings.rs`, which includes them all in the binary.
fn reading_files(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=src/search/reading_table.rs");
    let mut list = String::from("/// `search/r/<n>.json` and its `.gz`, by `n`.\n");
    list.push_str(&format!(
        "pub static READING_FILES: [(&[u8], &[u8]); {READING_SHARDS}] = [\n"
    ));
    for shard in 0..READING_SHARDS {
        let json = reading_table(shard)?;
        let mut gz = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::new(6));
        gz.write_all(&json)?;
        let name = format!("readings-{shard}.json");
        std::fs::write(out.join(&name), &json)?;
        std::fs::write(out.join(format!("{name}.gz")), gz.finish()?)?;
        list.push_str(&format!(
            "    (include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\")), include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.gz\"))),\n"
        ));
    }
    list.push_str("];\n");
    std::fs::write(out.join("readings.rs"), list)?;
    Ok(())
}

fn jieba_dictionary(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let source = "src/search/jieba-dict.txt.gz";
    println!("cargo::rerun-if-changed={source}");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(source)?).read_to_string(&mut text)?;
    // The sum of all words' frequencies, which word probabilities divide
    // by: a build keeps only some words, and needs the whole sum.
    let mut total: u64 = 0;
    for line in text.lines() {
        let freq = line
            .split(' ')
            .nth(1)
            .ok_or("a dictionary line without frequency")?;
        total += freq.parse::<u64>()?;
    }
    std::fs::write(out.join("jieba-total.rs"), total.to_string())?;
    std::fs::write(out.join("jieba-dict.txt"), text)?;
    Ok(())
}

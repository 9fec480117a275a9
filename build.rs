//! Decompresses jieba's dictionary into the build folder once, so that the
//! binary holds it as text: the repository keeps it compressed (1.9 MB
//! instead of 5 MB), and no build of a site spends time unpacking it
//! (about a tenth of a build of 282 matters).

use std::io::Read as _;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let source = "src/search/jieba-dict.txt.gz";
    println!("cargo::rerun-if-changed={source}");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(source)?).read_to_string(&mut text)?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
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
    std::fs::write(out.join("jieba-total.txt"), total.to_string())?;
    std::fs::write(out.join("jieba-dict.txt"), text)?;
    Ok(())
}

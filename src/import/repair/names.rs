//! Department cells: a cell the extraction read down its columns, read
//! back as registered names.

use std::collections::BTreeSet;

/// A department cell read down its columns. The document lays several
/// names out in a narrow cell, one line under another, and the extraction
/// read the cell column by column: the first character of every line, then
/// the second, and so on. Reading it back line by line (for each possible
/// number of lines) is proven right only when the result is registered
/// names one after another (with or without 、), every character used
/// exactly once: cooperative-086's cell gives twelve departments.
pub(super) fn decode_columns(cell: &str, registered: &[String]) -> Option<(usize, Vec<String>)> {
    let chars: Vec<char> = cell.chars().filter(|c| !c.is_whitespace()).collect();
    for lines in 2..chars.len() {
        let width = chars.len().div_ceil(lines);
        let mut text = String::with_capacity(cell.len());
        for line in 0..lines {
            for column in 0..width {
                if let Some(c) = chars.get(column * lines + line) {
                    text.push(*c);
                }
            }
        }
        if let Some(names) = segment_names(&text, registered) {
            let distinct: BTreeSet<&String> = names.iter().collect();
            if names.len() >= 2 && distinct.len() == names.len() {
                return Some((lines, names));
            }
        }
    }
    None
}

/// `text` as registered names one after another (、 between them allowed).
pub(super) fn segment_names(text: &str, registered: &[String]) -> Option<Vec<String>> {
    let rest = text.trim_start_matches('、');
    if rest.is_empty() {
        return Some(Vec::new());
    }
    registered
        .iter()
        .filter(|n| rest.starts_with(n.as_str()))
        .find_map(|n| {
            let mut names = segment_names(&rest[n.len()..], registered)?;
            names.insert(0, n.clone());
            Some(names)
        })
}

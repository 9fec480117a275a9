//! The marker file (`.qingdan-site`) every output folder carries: what it
//! says and how it is read.

use std::fs;
use std::io;
use std::path::Path;

/// The file every output folder carries, so that the next build knows the
/// folder is one it may replace. It lists every file the build wrote, in
/// order, so the same input still gives a byte-identical output; a folder
/// is the build's own only if it holds nothing else (see [`read_marker`]).
pub const MARKER: &str = ".qingdan-site";

/// The first line of the marker: its name and format version.
pub const MARKER_HEADER: &str = "qingdan-site 2";

/// The marker's explanation for a person who opens it, between the header
/// line and the list.
const MARKER_NOTE: &str = "\
# 本目录由 qingdan（履职事项清单网站生成器）生成，下面列出它写入的全部文件。
# qingdan build 只会整体替换带有本标记文件、且除下列文件外别无他物的目录；
# 请不要在这里存放其他文件，否则下次构建会拒绝替换并列出它们。
# This folder was written by qingdan build; below is every file it wrote.
# The next build replaces the folder whole only if it holds nothing else.
";

/// The line after which the files are listed, one a line.
const MARKER_FILES: &str = "files:";

/// The largest marker read (a site of 30,000 matters lists about 2 MB).
const MARKER_MAX: u64 = 64 << 20;

/// The marker's text for a site of `files` (paths inside the output, the
/// marker itself not among them). `\`, newline and carriage return in a
/// path are escaped, so that one path is always one line.
pub fn marker_text<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    let mut files: Vec<&str> = files.into_iter().filter(|f| *f != MARKER).collect();
    files.sort_unstable();
    files.dedup();
    let mut s = format!("{MARKER_HEADER}\n{MARKER_NOTE}{MARKER_FILES}\n");
    for f in files {
        for c in f.chars() {
            match c {
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                c => s.push(c),
            }
        }
        s.push('\n');
    }
    s
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(c) => out.push(c),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What the marker of a folder says.
#[derive(Debug, PartialEq, Eq)]
pub enum Marker {
    /// No marker.
    Missing,
    /// A marker, but not a regular file with this version's header and list
    /// (an older qingdan's, or one made by hand).
    Invalid,
    /// The files the build that wrote the folder wrote.
    Files(std::collections::BTreeSet<String>),
}

/// The longest line and the deepest path a valid marker lists.
const MARKER_MAX_LINE: usize = 4096;
const MARKER_MAX_DEPTH: usize = 32;

/// Reads the marker of `dir`.
pub fn read_marker(dir: &Path) -> Marker {
    use std::io::Read;
    let path = dir.join(MARKER);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Marker::Invalid,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Marker::Missing,
        Err(_) => return Marker::Invalid,
    }
    let mut text = String::new();
    let read = fs::File::open(&path)
        .and_then(|f| f.take(MARKER_MAX).read_to_string(&mut text))
        .is_ok();
    if !read {
        return Marker::Invalid;
    }
    let mut lines = text.split_terminator('\n');
    if lines.next() != Some(MARKER_HEADER) {
        return Marker::Invalid;
    }
    if !lines.any(|l| l == MARKER_FILES) {
        return Marker::Invalid;
    }
    if !text.ends_with('\n') {
        // Cut short (the size limit, or a torn write).
        return Marker::Invalid;
    }
    // No path qingdan writes is this long or deep; a line that is would
    // only make the scan slow (its folders are worked out per part).
    let files: Vec<&str> = lines.collect();
    if files
        .iter()
        .any(|l| l.len() > MARKER_MAX_LINE || l.matches('/').count() > MARKER_MAX_DEPTH)
    {
        return Marker::Invalid;
    }
    Marker::Files(files.into_iter().map(unescape).collect())
}

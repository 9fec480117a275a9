//! Reading the user's text files: UTF-8 only, but forgiving of what Windows
//! tools write (a byte-order mark, CRLF line endings). Control characters
//! and oversized files are refused here, before anything parses them.

use std::io::Read;
use std::path::Path;

use crate::diagnostics::Position;

/// The largest text file a site may hold. A real matter file is under
/// 20 KB; anything near this is a mistake (a pasted dump), and parsing and
/// rendering it would take minutes and gigabytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取文件：{0}")]
    Io(#[from] std::io::Error),
    #[error("文件不是 UTF-8 编码（第 {line} 行附近有无效字节），可能是 GBK 等编码；请用编辑器“另存为 UTF-8”")]
    NotUtf8 { line: usize },
    #[error("这不是普通文件（是文件夹、管道或设备）；请换成普通的文本文件")]
    NotAFile,
    #[error("文件过大（{bytes} 字节，上限 {} 字节，即 1 MB）；一个事项文件通常不到 20 KB，请检查是否误粘贴了大段内容", MAX_FILE_BYTES)]
    TooLarge { bytes: u64 },
    #[error("第 {line} 行第 {column} 列有不可见的控制字符 U+{code:04X}；请删除它（常见于从 PDF 或网页复制的文字）")]
    Control {
        line: usize,
        column: usize,
        code: u32,
    },
}

impl ReadError {
    /// Where in the file the problem is, when it is at one place.
    pub fn position(&self) -> Option<Position> {
        match self {
            ReadError::NotUtf8 { line } => Some(Position {
                line: *line,
                column: 1,
            }),
            ReadError::Control { line, column, .. } => Some(Position {
                line: *line,
                column: *column,
            }),
            _ => None,
        }
    }
}

/// Reads `path` as UTF-8 text with the BOM dropped and line endings made
/// `\n`; refuses files over [`MAX_FILE_BYTES`] and control characters.
pub fn read(path: &Path) -> Result<String, ReadError> {
    // A FIFO or device would block or never end: only regular files are read.
    if !std::fs::metadata(path)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = std::fs::File::open(path)?;
    // Read one byte past the limit rather than trusting metadata, which a
    // pipe or a growing file can get wrong.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let bytes = std::fs::metadata(path).map_or(MAX_FILE_BYTES + 1, |m| m.len());
        return Err(ReadError::TooLarge { bytes });
    }
    let text = decode(bytes)?;
    check_controls(&text)?;
    Ok(text)
}

pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ReadError::NotUtf8 { line }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// Is `c` a control character that has no place in a site's text: every
/// C0 and C1 control and DEL except tab and newline, and the invisible
/// characters that reorder or break text (bidirectional overrides and
/// isolates, the Unicode line and paragraph separators)?
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Refuses NUL and the other control characters, naming the first one.
pub fn check_controls(text: &str) -> Result<(), ReadError> {
    let Some((offset, c)) = text.char_indices().find(|&(_, c)| is_forbidden_control(c)) else {
        return Ok(());
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    Err(ReadError::Control {
        line,
        column,
        code: c as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_accepted() {
        let t = decode(b"\xEF\xBB\xBF+++\r\na = 1\r\n+++\r\n".to_vec()).unwrap();
        assert_eq!(t, "+++\na = 1\n+++\n");
    }

    #[test]
    fn gbk_is_refused_with_its_line() {
        // "ok\n" then 中文 in GBK
        let err = decode(b"ok\n\xD6\xD0\xCE\xC4".to_vec()).unwrap_err();
        assert!(matches!(err, ReadError::NotUtf8 { line: 2 }));
        assert!(err.to_string().contains("UTF-8"));
    }

    #[test]
    fn control_characters_are_refused_with_their_place() {
        assert!(check_controls("a\tb\nc").is_ok());
        let err = check_controls("第一行\n中文\u{0}x").unwrap_err();
        assert!(matches!(
            err,
            ReadError::Control {
                line: 2,
                column: 3,
                code: 0
            }
        ));
        assert!(err.to_string().contains("U+0000"), "{err}");
        for c in [
            '\u{7}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
        ] {
            assert!(check_controls(&format!("x{c}")).is_err(), "{:?}", c);
        }
    }

    #[test]
    fn oversized_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.md");
        std::fs::write(&big, vec![b'a'; MAX_FILE_BYTES as usize + 1]).unwrap();
        assert!(matches!(read(&big), Err(ReadError::TooLarge { .. })));
        let ok = dir.path().join("ok.md");
        std::fs::write(&ok, vec![b'a'; MAX_FILE_BYTES as usize]).unwrap();
        assert!(read(&ok).is_ok());
    }
}

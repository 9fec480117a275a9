//! Reading the user's text files: UTF-8 only, but forgiving of what Windows
//! tools write (a byte-order mark, CRLF line endings).

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取文件：{0}")]
    Io(#[from] std::io::Error),
    #[error("文件不是 UTF-8 编码（第 {line} 行附近有无效字节），可能是 GBK 等编码；请用编辑器“另存为 UTF-8”")]
    NotUtf8 { line: usize },
}

/// Reads `path` as UTF-8 text with the BOM dropped and line endings made `\n`.
pub fn read(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path)?;
    decode(bytes)
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
}

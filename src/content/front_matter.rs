//! Splitting a file into TOML front matter (between `+++` lines) and body.

use crate::diagnostics::Position;

pub struct Split<'a> {
    pub toml: &'a str,
    /// Byte offset of `toml` in the file.
    pub toml_offset: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Returns `None` when the file does not start with a `+++` line, or the
/// front matter is never closed.
pub fn split_front_matter(text: &str) -> Option<Split<'_>> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "+++" {
        return None;
    }
    let toml_offset = first_end + 1;
    let mut pos = toml_offset;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "+++" {
            let body_offset = (end + 1).min(text.len());
            return Some(Split {
                toml: &text[toml_offset..pos],
                toml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    None
}

/// Where in the whole file a TOML error in the front matter is.
pub fn error_position(text: &str, split: &Split<'_>, err: &toml::de::Error) -> Option<Position> {
    err.span()
        .map(|s| Position::of_offset(text, split.toml_offset + s.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split_front_matter("+++\na = 1\n+++\nbody\n").unwrap();
        assert_eq!(s.toml, "a = 1\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_offset, 14);
    }

    #[test]
    fn unclosed_or_missing_front_matter_is_none() {
        assert!(split_front_matter("+++\na = 1\n").is_none());
        assert!(split_front_matter("title = 1\n").is_none());
        assert!(split_front_matter("").is_none());
    }

    #[test]
    fn closing_line_at_end_of_file() {
        let s = split_front_matter("+++\na = 1\n+++").unwrap();
        assert_eq!(s.body, "");
    }
}

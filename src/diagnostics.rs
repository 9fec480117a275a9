//! Errors and warnings about the user's files, collected over a whole run so
//! that one `check` shows everything that needs fixing, not just the first.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// A matter's `review` note: known, recorded work for an editor.
    Review,
}

/// A place in a file, 1-based, as editors count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// Line and column (in characters) of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub position: Option<Position>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误 error",
            Severity::Warning => "提示 warning",
            Severity::Review => "待核实 review",
        };
        write!(f, "{label}: {}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        // Continuation lines of a long message are indented under it.
        write!(f, ": {}", self.message.replace('\n', "\n    "))?;
        if let Some(help) = &self.help {
            write!(f, "\n    → {help}")?;
        }
        Ok(())
    }
}

/// Everything found wrong in one run, in a stable order.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error(
        &mut self,
        file: &Path,
        position: Option<Position>,
        message: impl Into<String>,
    ) -> Builder<'_> {
        self.add(Severity::Error, file, position, message)
    }

    pub fn warning(
        &mut self,
        file: &Path,
        position: Option<Position>,
        message: impl Into<String>,
    ) -> Builder<'_> {
        self.add(Severity::Warning, file, position, message)
    }

    pub fn review(
        &mut self,
        file: &Path,
        position: Option<Position>,
        message: impl Into<String>,
    ) -> Builder<'_> {
        self.add(Severity::Review, file, position, message)
    }

    fn add(
        &mut self,
        severity: Severity,
        file: &Path,
        position: Option<Position>,
        message: impl Into<String>,
    ) -> Builder<'_> {
        self.items.push(Diagnostic {
            severity,
            file: file.to_path_buf(),
            position,
            message: message.into(),
            help: None,
        });
        let last = self.items.len() - 1;
        Builder {
            d: &mut self.items[last],
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Sorted by severity, file and position, so output is stable.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (a.severity, &a.file, a.position, &a.message)
                .cmp(&(b.severity, &b.file, b.position, &b.message))
        });
        v
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn into_items(self) -> impl Iterator<Item = Diagnostic> {
        self.items.into_iter()
    }
}

/// Lets a caller attach advice to the diagnostic it just added.
pub struct Builder<'a> {
    d: &'a mut Diagnostic,
}

impl Builder<'_> {
    pub fn help(self, help: impl Into<String>) {
        self.d.help = Some(help.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_lines_and_characters() {
        let text = "a\n中文x\nb";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        // byte 8 is 'x' after two 3-byte characters on line 2
        assert_eq!(
            Position::of_offset(text, 8),
            Position { line: 2, column: 3 }
        );
        // an offset inside a character falls back to its start
        assert_eq!(
            Position::of_offset(text, 3),
            Position { line: 2, column: 1 }
        );
    }

    #[test]
    fn sorted_puts_errors_first() {
        let mut d = Diagnostics::default();
        d.warning(Path::new("b.md"), None, "w");
        d.error(Path::new("c.md"), None, "e").help("fix it");
        let s = d.sorted();
        assert_eq!(s[0].severity, Severity::Error);
        assert_eq!(s[0].help.as_deref(), Some("fix it"));
        assert!(d.has_errors());
        assert_eq!(d.count(Severity::Warning), 1);
    }
}

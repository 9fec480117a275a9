//! The importer's reviewed data file: the registries (names and slugs) and,
//! per row, the judgements a person made on damaged cells, each with its
//! reason. Keeping them here, not in code, lets an editor see and change
//! every judgement in one place.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::content::{Category, Department};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    /// Remarks for the import report (differences the code cannot see).
    #[serde(default)]
    pub notes: Vec<String>,
    /// A short note, approved by an editor, that the home page shows under
    /// the 说明 where the 说明 disagrees with the tables.
    pub intro_note: Option<String>,
    #[serde(default)]
    pub category: Vec<Category>,
    #[serde(default)]
    pub department: Vec<Department>,
    #[serde(default)]
    pub row: Vec<RowJudgement>,
}

/// What a person decided about one row, and why.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowJudgement {
    /// `cooperative-005`.
    pub id: String,
    /// The title, where the extracted one has damage that can be shown and undone.
    pub title: Option<String>,
    /// The title cannot be read: publish this readable part (may be empty)
    /// and say that the name awaits verification.
    pub title_readable: Option<String>,
    pub category: Option<String>,
    pub departments: Option<Vec<String>>,
    /// Passages of the row's duties (each inside one item or paragraph, as
    /// extracted) that a person judged unreadable beyond what the rule in
    /// [`super::unreadable`] finds: published as its placeholder.
    #[serde(default)]
    pub unreadable: Vec<String>,
    /// Passages (as extracted, their first words) that a person judged to
    /// begin in the middle of a sentence, their start lost in extraction,
    /// beyond what the rule in [`super::repair`] finds: the page says so
    /// before them.
    #[serde(default)]
    pub starts_mid_sentence: Vec<String>,
    /// Passages (as extracted, their last words) judged to stop in the
    /// middle of a sentence: the page says so after them.
    #[serde(default)]
    pub ends_mid_sentence: Vec<String>,
    /// The reason, in Chinese, for the editor holding the PDF.
    pub note: String,
}

impl Reviewed {
    pub fn load(path: &Path) -> Result<Reviewed, String> {
        let text = crate::text_file::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let r: Reviewed = toml::from_str(&text).map_err(|e| {
            let pos = e
                .span()
                .map(|s| crate::diagnostics::Position::of_offset(&text, s.start))
                .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            format!("{}{pos}: {}", path.display(), e.message().trim())
        })?;
        let mut seen = BTreeMap::new();
        for row in &r.row {
            if row.note.trim().is_empty() {
                return Err(format!(
                    "{}: 行 {} 的判断没有写理由（note）",
                    path.display(),
                    row.id
                ));
            }
            if seen.insert(row.id.as_str(), ()).is_some() {
                return Err(format!("{}: 行 {} 出现了两次", path.display(), row.id));
            }
        }
        Ok(r)
    }

    pub fn judgement(&self, id: &str) -> Option<&RowJudgement> {
        self.row.iter().find(|r| r.id == id)
    }
}

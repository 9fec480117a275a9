//! Passages the extraction turned into text nobody can read, which must
//! not be published as if they were duties.
//!
//! The rule, per passage (a numbered item, a paragraph or a sub-heading of
//! a duties cell): count its Chinese characters and its lone Latin letters;
//! a Chinese character is accounted for when it forms, with a neighbour, a
//! character pair (bigram) that occurs somewhere else in the same document,
//! a lone Latin letter inside Chinese text never is. A passage of at least
//! [`MIN_CHARS`] counted characters of which at least [`SHARE_PERCENT`] %
//! are not accounted for is unreadable; a document with fewer than
//! [`MIN_DOCUMENT_PAIRS`] distinct pairs is too small to judge. Readable Chinese shares most of its
//! pairs with the rest of a document about the same duties; extraction
//! garbage (`L癌[好F人力公治和社八仔造后·`) does not.
//!
//! The rule cannot see garbage made of real words in the wrong order (two
//! rows' text interleaved); a person records those passages in the reviewed
//! data file (`unreadable = […]` on the row), and they are replaced alike.

use std::collections::HashMap;

/// What a citizen reads where a passage could not be read.
pub const PLACEHOLDER: &str = "（此处原文待核实）";
/// What a citizen reads where text of the source was lost: before a passage
/// whose start is lost, after one cut off, in a department's place.
pub const LOST: &str = "（原文此处内容缺失，待核实）";
/// Passages shorter than this (in counted characters) are never judged.
pub const MIN_CHARS: usize = 8;
/// The share of unaccounted characters, in percent, that makes a passage unreadable.
pub const SHARE_PERCENT: usize = 60;
/// The rule knows a document's words only from a document of some size: a
/// smaller one (a few rows typed into a CSV file) is not judged at all.
pub const MIN_DOCUMENT_PAIRS: usize = 3000;

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

fn pairs(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .windows(2)
        .filter(|w| is_han(w[0]) && is_han(w[1]))
        .map(|w| (w[0], w[1]))
        .collect()
}

/// How often each pair of Chinese characters occurs in the whole document.
#[derive(Debug, Default)]
pub struct Lexicon {
    pairs: HashMap<(char, char), usize>,
}

/// A passage's measure under the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Counted characters that are not accounted for.
    pub unaccounted: usize,
    /// Counted characters.
    pub counted: usize,
}

impl Measure {
    pub fn is_unreadable(self) -> bool {
        self.counted >= MIN_CHARS && self.unaccounted * 100 >= self.counted * SHARE_PERCENT
    }

    /// Nothing is unreadable by the rule (a document too small to judge).
    const NONE: Measure = Measure {
        unaccounted: 0,
        counted: 0,
    };
}

impl Lexicon {
    /// The pairs of every text of the document (each cell once).
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Lexicon {
        let mut lexicon = Lexicon::default();
        for t in texts {
            for p in pairs(t) {
                *lexicon.pairs.entry(p).or_default() += 1;
            }
        }
        lexicon
    }

    /// The lexicon of a source: every cell of every row, and the 说明.
    pub fn of_source(source: &super::source::Source) -> Lexicon {
        let cells = source.rows.iter().flat_map(|r| {
            [
                r.category.as_str(),
                r.title.as_str(),
                r.departments.as_str(),
                r.department_duties.as_str(),
                r.township_duties.as_str(),
                r.revoked_cell.as_str(),
                r.work_method.as_str(),
            ]
        });
        Lexicon::of(cells.chain(source.intro.as_deref()))
    }

    pub fn measure(&self, passage: &str) -> Measure {
        if self.pairs.len() < MIN_DOCUMENT_PAIRS {
            return Measure::NONE;
        }
        let mut local: HashMap<(char, char), usize> = HashMap::new();
        for p in pairs(passage) {
            *local.entry(p).or_default() += 1;
        }
        // A pair counts when it also occurs outside this passage.
        let elsewhere = |a: char, b: char| {
            is_han(a)
                && is_han(b)
                && self.pairs.get(&(a, b)).copied().unwrap_or(0)
                    > local.get(&(a, b)).copied().unwrap_or(0)
        };
        let chars: Vec<char> = passage.chars().filter(|c| !c.is_whitespace()).collect();
        let mut m = Measure {
            unaccounted: 0,
            counted: 0,
        };
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            if is_han(c) {
                m.counted += 1;
                let ok =
                    prev.is_some_and(|p| elsewhere(p, c)) || next.is_some_and(|n| elsewhere(c, n));
                if !ok {
                    m.unaccounted += 1;
                }
            } else if c.is_ascii_alphabetic() {
                let lone = !prev.is_some_and(|p| p.is_ascii_alphabetic())
                    && !next.is_some_and(|n| n.is_ascii_alphabetic());
                if lone {
                    m.counted += 1;
                    m.unaccounted += 1;
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> super::super::source::Source {
        let text = include_str!("../../import/wukusake-2025-07.txt");
        super::super::source::parse_extracted(std::path::Path::new("x.txt"), text)
            .unwrap_or_default()
    }

    fn document() -> Lexicon {
        Lexicon::of_source(&source())
    }

    #[test]
    fn garbage_is_unreadable_and_plain_duties_are_not() {
        let lexicon = document();
        // cooperative-010, 上级部门职责: the whole cell.
        let m = lexicon.measure("L癌 [好 F 人 力 公 治 和 社 八 仔   造 后 ·");
        assert!(m.is_unreadable(), "{m:?}");
        // Real duties, also those with rare words, are readable.
        for duty in [
            "镇级对白血病、先心病、唇腭裂、官颈鳞癌等困难大病人员向所在村申请大病救助;",
            "追踪患者活动轨迹,确定密接者;",
            "对空壳社(农场)、僵尸社(农场)进行核验清理。",
            "疏附县委宣传部: 做好见义勇为宣传,营造惩恶扬善、扶正祛邪、崇尚英勇的社会氛围。",
            "负责运力调度。",
        ] {
            let m = lexicon.measure(duty);
            assert!(!m.is_unreadable(), "{duty}: {m:?}");
        }
    }

    #[test]
    fn no_passage_of_the_source_but_the_garbage_is_unreadable() {
        let source = source();
        let lexicon = Lexicon::of_source(&source);
        let mut flagged = Vec::new();
        for row in &source.rows {
            let cells = [
                &row.department_duties,
                &row.township_duties,
                &row.revoked_cell,
            ];
            for cell in cells {
                for b in super::super::clean::blocks(cell, &[]) {
                    if let super::super::clean::Block::Item(_, t)
                    | super::super::clean::Block::Text(t) = b
                    {
                        if lexicon.measure(&t).is_unreadable() {
                            flagged.push(t);
                        }
                    }
                }
            }
        }
        assert_eq!(flagged, ["L癌[好F人力公治和社八仔造后·"]);
    }

    #[test]
    fn a_small_document_is_not_judged() {
        let small = Lexicon::of([
            "负责对造成公路路面损坏行为的处罚。",
            "L癌[好F人力公治和社八仔造后·",
        ]);
        assert!(!small
            .measure("L癌[好F人力公治和社八仔造后·")
            .is_unreadable());
    }

    #[test]
    fn short_passages_are_never_judged() {
        let m = document().measure("F仔");
        assert_eq!(m.counted, 2);
        assert!(!m.is_unreadable());
    }
}

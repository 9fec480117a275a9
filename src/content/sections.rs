//! A matter's body, cut at its `##` and `###` headings.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    /// Line of the file where the body starts (after the front matter).
    pub first_line: usize,
    /// The whole body as written, for checks that need every offset.
    pub markdown: String,
    /// Markdown before the first `##` heading.
    pub preamble: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    /// Line of the heading in the file.
    pub line: usize,
    /// Everything under the heading, subsections included.
    pub markdown: String,
    /// Markdown under the heading before its first subsection.
    pub lead: String,
    /// `###` subsections (for 上级部门职责: one per department).
    pub subsections: Vec<Section>,
}

impl Body {
    pub fn section(&self, heading: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.heading == heading)
    }
}

struct Heading {
    level: HeadingLevel,
    text: String,
    start: usize,
    end: usize,
}

/// Cuts `body` (which starts on line `first_line` of its file) at its headings.
pub fn parse_sections(body: &str, first_line: usize) -> Body {
    let mut headings: Vec<Heading> = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. })
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) =>
            {
                current = Some(Heading {
                    level,
                    text: String::new(),
                    start: range.start,
                    end: range.end,
                });
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut h) = current.take() {
                    h.text = h.text.trim().to_string();
                    headings.push(h);
                }
            }
            _ => {}
        }
    }
    // Line starts once, then a binary search per heading: counting from the
    // start for each of thousands of headings is quadratic.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| first_line + line_starts.partition_point(|&s| s <= offset) - 1;
    let slice = |from: usize, to: usize| body[from..to].trim().to_string();

    let h2: Vec<usize> = (0..headings.len())
        .filter(|&i| headings[i].level == HeadingLevel::H2)
        .collect();
    let preamble_end = h2.first().map_or(body.len(), |&i| headings[i].start);
    let mut sections = Vec::new();
    for (n, &i) in h2.iter().enumerate() {
        let next = h2.get(n + 1).copied().unwrap_or(headings.len());
        let end = headings.get(next).map_or(body.len(), |h| h.start);
        let h = &headings[i];
        let subs: Vec<usize> = (i + 1..next).collect();
        let lead_end = subs.first().map_or(end, |&j| headings[j].start);
        let subsections = subs
            .iter()
            .enumerate()
            .map(|(k, &j)| {
                let sub_end = subs.get(k + 1).map_or(end, |&x| headings[x].start);
                let md = slice(headings[j].end, sub_end);
                Section {
                    heading: headings[j].text.clone(),
                    line: line_of(headings[j].start),
                    lead: md.clone(),
                    markdown: md,
                    subsections: Vec::new(),
                }
            })
            .collect();
        sections.push(Section {
            heading: h.text.clone(),
            line: line_of(h.start),
            markdown: slice(h.end, end),
            lead: slice(h.end, lead_end),
            subsections,
        });
    }
    Body {
        first_line,
        markdown: body.to_string(),
        preamble: slice(0, preamble_end),
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_sections_and_subsections() {
        let body = "intro\n\n## 上级部门职责\n\n共同\n\n### 疏附县民政局\n\n1. 审核\n\n### 疏附县财政局\n\n拨付\n\n## 乡镇(街道)配合职责\n\n宣传\n";
        let b = parse_sections(body, 10);
        assert_eq!(b.preamble, "intro");
        assert_eq!(b.sections.len(), 2);
        let s = &b.sections[0];
        assert_eq!(s.heading, "上级部门职责");
        assert_eq!(s.line, 12);
        assert_eq!(s.lead, "共同");
        assert_eq!(s.subsections.len(), 2);
        assert_eq!(s.subsections[0].heading, "疏附县民政局");
        assert_eq!(s.subsections[0].markdown, "1. 审核");
        assert_eq!(s.subsections[1].markdown, "拨付");
        assert_eq!(b.section("乡镇(街道)配合职责").unwrap().markdown, "宣传");
    }

    #[test]
    fn hash_inside_code_is_not_a_heading() {
        let b = parse_sections("```\n## not\n```\n", 1);
        assert!(b.sections.is_empty());
    }
}

//! A template's Tera syntax (`{{ }}`, `{% %}`, `{# #}`) taken out and put
//! back: each piece becomes one private-use character, so that an HTML
//! minifier sees plain text where Tera will write something, and cannot
//! change the piece itself.

/// First private-use character; piece `i` is `FIRST + i`.
const FIRST: u32 = 0xE000;
/// Past the last character of the Basic Multilingual Plane's private-use area.
const END: u32 = 0xF900;

/// A template with its Tera syntax taken out.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    /// The template, each piece of Tera syntax replaced by its placeholder.
    pub html: String,
    /// The pieces, in order: `{{ x }}`, `{% if … %}`, `{# … #}` as written.
    pub pieces: Vec<&'a str>,
}

impl Split<'_> {
    /// Which piece a character stands for, if it is a placeholder.
    pub fn piece_of(c: char) -> Option<usize> {
        let c = u32::from(c);
        (FIRST..END).contains(&c).then(|| (c - FIRST) as usize)
    }

    /// Whether piece `i` is a statement (`{% … %}`).
    pub fn is_statement(&self, i: usize) -> bool {
        self.pieces.get(i).is_some_and(|p| p.starts_with("{%"))
    }

    /// `text` with its placeholders shown as the pieces they stand for.
    pub fn show(&self, text: &str) -> String {
        text.chars()
            .map(
                |c| match Self::piece_of(c).and_then(|i| self.pieces.get(i)) {
                    Some(piece) => piece.to_string(),
                    None => c.to_string(),
                },
            )
            .collect()
    }

    /// What piece `i` holds between its delimiters and whitespace controls.
    pub fn inner(&self, i: usize) -> &str {
        let piece = self.pieces.get(i).copied().unwrap_or_default();
        piece
            .get(2..piece.len().saturating_sub(2))
            .unwrap_or_default()
            .trim_matches(|c: char| c == '-' || c.is_whitespace())
    }

    /// A statement's keyword (`if`, `endfor`, `set`…).
    pub fn keyword(&self, i: usize) -> &str {
        self.inner(i).split_whitespace().next().unwrap_or_default()
    }

    /// `html` (as the minifier left it) with every placeholder replaced by
    /// its piece; `None` unless each piece is there exactly once. (The
    /// minifier may reorder a tag's attributes; see `verify`.)
    pub fn restore(&self, html: &str) -> Option<String> {
        let mut out =
            String::with_capacity(html.len() + self.pieces.iter().map(|p| p.len()).sum::<usize>());
        let mut seen = vec![false; self.pieces.len()];
        for c in html.chars() {
            match Self::piece_of(c) {
                Some(i) if !std::mem::replace(seen.get_mut(i)?, true) => {
                    out.push_str(self.pieces[i])
                }
                Some(_) => return None,
                None => out.push(c),
            }
        }
        seen.iter().all(|s| *s).then_some(out)
    }
}

/// Takes the Tera syntax out of `source`. `None` when it cannot be done
/// safely: the source already holds private-use characters, has more
/// pieces than there are placeholders, an unterminated piece, or a
/// `{% raw %}` block (whose content is text, not syntax).
pub fn split(source: &str) -> Option<Split<'_>> {
    if source.chars().any(|c| Split::piece_of(c).is_some()) {
        return None;
    }
    let mut html = String::with_capacity(source.len());
    let mut pieces = Vec::new();
    let mut text_from = 0;
    let ranges = pieces_of(source)?;
    for (k, range) in ranges.iter().enumerate() {
        html.push_str(&source[text_from..range.start]);
        text_from = range.end;
        let piece = &source[range.clone()];
        if piece.starts_with("{#") && !stops_trimming(source, &ranges, k) {
            // A comment writes nothing: gone.
            continue;
        }
        if piece.starts_with("{%")
            && piece[2..]
                .trim_start_matches('-')
                .trim_start()
                .starts_with("raw")
        {
            return None;
        }
        let placeholder = char::from_u32(FIRST + u32::try_from(pieces.len()).ok()?)
            .filter(|c| Split::piece_of(*c).is_some())?;
        html.push(placeholder);
        pieces.push(piece);
    }
    html.push_str(&source[text_from..]);
    Some(Split { html, pieces })
}

/// Whether every `{% extends %}` and `{% import %}` of `source` stands at
/// its top, after nothing but Tera's whitespace (space, tab, CR, LF) and
/// other such tags. Tera's grammar constrains only that top: after it any
/// text or comment may stand. Minifying leaves such a top as it is but for
/// whitespace, which the grammar allows there, so the minified template
/// parses exactly when the template as written does. Anything else at
/// the top (a comment, an HTML comment, a form feed) is not plain.
pub fn top_is_plain(source: &str) -> bool {
    let Some(ranges) = pieces_of(source) else {
        return false;
    };
    let mut top = true;
    let mut from = 0;
    for range in ranges {
        let between = &source[from..range.start];
        if !between
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
        {
            top = false;
        }
        from = range.end;
        let keyword = source[range]
            .strip_prefix("{%")
            .and_then(|p| p.trim_start_matches('-').split_whitespace().next());
        if matches!(keyword, Some("extends" | "import")) {
            if !top {
                return false;
            }
        } else {
            top = false;
        }
    }
    true
}

/// Whether comment `k` keeps Tera's whitespace control (`{%-`, `-%}`) from
/// reaching text beyond it: it does when it trims itself, or when only
/// whitespace stands between it and a neighbour that trims towards it.
/// Such a comment stays, as a placeholder.
fn stops_trimming(source: &str, ranges: &[std::ops::Range<usize>], k: usize) -> bool {
    let piece = |i: usize| &source[ranges[i].clone()];
    let trims_left = |p: &str| p.get(2..3) == Some("-");
    let trims_right = |p: &str| p.len() >= 5 && p[..p.len() - 2].ends_with('-');
    let blank = |from: usize, to: usize| source[from..to].chars().all(char::is_whitespace);
    let before = k
        .checked_sub(1)
        .is_some_and(|p| trims_right(piece(p)) && blank(ranges[p].end, ranges[k].start));
    let after = ranges
        .get(k + 1)
        .is_some_and(|n| trims_left(piece(k + 1)) && blank(ranges[k].end, n.start));
    trims_left(piece(k)) || trims_right(piece(k)) || before || after
}

/// Every piece of Tera syntax in `text`, comments included, in order;
/// `None` if one is not closed.
pub fn pieces(text: &str) -> Option<Vec<&str>> {
    Some(pieces_of(text)?.into_iter().map(|r| &text[r]).collect())
}

/// Where each piece of Tera syntax in `text` is.
fn pieces_of(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let b = text.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        let close = match (b[i], b[i + 1]) {
            (b'{', b'{') => b'}',
            (b'{', b'%') => b'%',
            (b'{', b'#') => b'#',
            _ => {
                i += 1;
                continue;
            }
        };
        let end = piece_end(b, i, close)?;
        pieces.push(i..end);
        i = end;
    }
    Some(pieces)
}

/// Where the piece opened at `start` ends (after its `}}`, `%}` or `#}`).
/// Inside `{{ }}` and `{% %}`, a closing pair within a string literal does
/// not end the piece, as in Tera's own grammar.
fn piece_end(b: &[u8], start: usize, close: u8) -> Option<usize> {
    let mut i = start + 2;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if close != b'#' && matches!(c, b'"' | b'\'' | b'`') => quote = Some(c),
            None if c == close && b.get(i + 1) == Some(&b'}') => return Some(i + 2),
            None => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_taken_out_and_put_back() {
        let source =
            r#"<a href="{{ url }}">{% if x == "%}" %}{{ "}}" }}{% endif %}</a>{#- note #}"#;
        let s = split(source).expect("splits");
        assert_eq!(
            s.pieces,
            vec![
                "{{ url }}",
                r#"{% if x == "%}" %}"#,
                r#"{{ "}}" }}"#,
                "{% endif %}",
                "{#- note #}"
            ]
        );
        assert_eq!(
            s.html,
            "<a href=\"\u{E000}\">\u{E001}\u{E002}\u{E003}</a>\u{E004}"
        );
        assert_eq!(s.restore(&s.html).as_deref(), Some(source));
        assert!(s.is_statement(1) && !s.is_statement(0) && !s.is_statement(4));
    }

    #[test]
    fn a_lost_or_duplicated_piece_is_refused() {
        let s = split("{{ a }} {{ b }}").expect("splits");
        assert_eq!(s.restore("\u{E000}"), None);
        assert_eq!(
            s.restore("\u{E001}\u{E000}").as_deref(),
            Some("{{ b }}{{ a }}")
        );
        assert_eq!(s.restore("\u{E000}\u{E000}\u{E001}"), None);
        assert_eq!(
            s.restore("\u{E000}\u{E001}").as_deref(),
            Some("{{ a }}{{ b }}")
        );
    }

    #[test]
    fn comments_go_unless_they_trim_whitespace() {
        let s = split("a {# one #}b{#- two #} c").expect("splits");
        assert_eq!(s.html, "a b\u{E000} c");
        assert_eq!(s.pieces, vec!["{#- two #}"]);
        // A comment that stops a neighbour's trimming stays.
        let s = split("a {# c #}\n{%- if x %}b{% endif -%} {# d #} e").expect("splits");
        assert_eq!(
            s.pieces,
            vec!["{# c #}", "{%- if x %}", "{% endif -%}", "{# d #}"]
        );
        let s = split("a {# c #} x {%- if x %}{% endif %}").expect("splits");
        assert_eq!(s.pieces, vec!["{%- if x %}", "{% endif %}"]);
        assert_eq!(
            pieces("{{ a }}{# b #}x{% c %}"),
            Some(vec!["{{ a }}", "{# b #}", "{% c %}"])
        );
    }

    #[test]
    fn what_cannot_be_split_safely_is_refused() {
        assert_eq!(split("<p>{{ a </p>"), None);
        assert_eq!(split("{% raw %}{{ a }}{% endraw %}"), None);
        assert_eq!(split("{%- raw -%}x{% endraw %}"), None);
        assert_eq!(split("<p>\u{E123}</p>"), None);
        assert!(split("<p>{ a } 100%</p>").is_some_and(|s| s.pieces.is_empty()));
    }
}

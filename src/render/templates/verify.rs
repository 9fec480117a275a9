//! Whether a template minified before rendering gives the same pages as
//! the template as written, minified after rendering, whatever Tera puts
//! in its placeholders. The two are read with an HTML tokenizer and must
//! have the same tags, attributes and text, with only these differences:
//!
//! - comments are gone (none of them holds Tera syntax);
//! - a run of whitespace in text became one space, or disappeared where a
//!   browser shows none either: next to a tag that starts or ends a block
//!   (`<div>`, `</li>`, `<br>`…), between the children of a layout element
//!   that is surely the parent, in `<head>`;
//! - attributes without Tera syntax have the same value, quoted or not;
//!   those with Tera syntax are written exactly as before, in quotes (an
//!   unquoted value would end at the first space Tera puts in it).
//!
//! Anything else, or a template whose meaning depends on where another
//! template puts it (Tera syntax inside a tag but outside a quoted value,
//! another template's content inside `<script>`, `<title>` or `<style>`,
//! any `<pre>` or `<textarea>`), is refused, and the pages are minified
//! one by one as before.

use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};

use super::tera_syntax::Split;

/// Elements around which whitespace never shows: a block starts or ends
/// there (with the browser's default styles, as the page minifier assumes).
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose text is not shown, or shown trimmed, so that whitespace
/// just inside them never shows (around them it may: a `<select>` stands
/// in a line of text).
const TRIMMED_INSIDE: &[&str] = &["select", "datalist", "optgroup", "option"];

/// Elements whose text is not HTML: it must stay exactly as written.
const RAW_TEXT: &[&str] = &[
    "script", "style", "title", "iframe", "noembed", "noframes", "noscript",
];

/// Elements whose whitespace shows: templates that have them are not
/// minified ahead (another template's text may end up inside).
/// (`<code>` too: the page minifier keeps its whitespace.)
const PREFORMATTED: &[&str] = &["pre", "textarea", "listing", "xmp", "plaintext", "code"];

/// Elements whose whitespace-only text between children the page
/// minifier removes (its "layout" elements).
const LAYOUT: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "body",
    "colgroup",
    "datalist",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figure",
    "footer",
    "form",
    "head",
    "header",
    "hgroup",
    "html",
    "main",
    "map",
    "menu",
    "nav",
    "ol",
    "optgroup",
    "picture",
    "section",
    "select",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Elements that have no content, so `<br>` and `<br/>` are the same.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

#[derive(Debug, PartialEq)]
struct Attribute {
    name: String,
    /// The value as the browser reads it.
    value: String,
    /// The value as written (after `=`, with its quotes), and where.
    written: String,
    at: std::ops::Range<usize>,
}

#[derive(Debug, PartialEq)]
enum Tag {
    Start {
        name: String,
        self_closing: bool,
        attributes: Vec<Attribute>,
    },
    End(String),
    Doctype(String),
}

impl Tag {
    fn name(&self) -> Option<&str> {
        match self {
            Tag::Start { name, .. } | Tag::End(name) => Some(name),
            Tag::Doctype(_) => None,
        }
    }

    /// The tag, briefly, for messages.
    fn written(&self) -> String {
        match self {
            Tag::Start { name, .. } => format!("<{name}>"),
            Tag::End(name) => format!("</{name}>"),
            Tag::Doctype(_) => "<!DOCTYPE>".into(),
        }
    }

    fn is_block(&self) -> bool {
        self.name().is_some_and(|n| BLOCK.contains(&n))
    }

    /// Whether whitespace right after this tag never shows.
    fn hides_after(&self) -> bool {
        self.is_block()
            || matches!(self, Tag::Start { name, .. } if TRIMMED_INSIDE.contains(&name.as_str()))
    }

    /// Whether whitespace right before this tag never shows.
    fn hides_before(&self) -> bool {
        self.is_block() || matches!(self, Tag::End(name) if TRIMMED_INSIDE.contains(&name.as_str()))
    }
}

/// A template read as tags, with the text before each tag and after the last.
struct Read {
    tags: Vec<Tag>,
    /// Where each tag is, as written.
    spans: Vec<std::ops::Range<usize>>,
    texts: Vec<String>,
}

fn read(html: &str) -> Result<Read, String> {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // `<script>` and the like hold text, not tags.
    emitter.naively_switch_states(true);
    let mut tags = Vec::new();
    let mut spans = Vec::new();
    let mut texts = vec![String::new()];
    let raw = |start: usize, end: usize| html.get(start..end).unwrap_or_default();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let tag = match token.map_err(|e| e.to_string())? {
            Token::String(s) => {
                if let Some(text) = texts.last_mut() {
                    text.push_str(raw(s.span.start, s.span.end));
                }
                continue;
            }
            Token::Comment(c) => {
                if raw(c.span.start, c.span.end).chars().any(is_placeholder) {
                    return Err("HTML 注释中有 Tera 语法".into());
                }
                continue;
            }
            Token::Error(e) if matches!(e.value, html5gum::Error::DuplicateAttribute) => {
                return Err("有重复的属性".into());
            }
            Token::Error(_) => continue,
            Token::Doctype(d) => {
                spans.push(d.span.start..d.span.end);
                Tag::Doctype(format!("{:?}", d.value))
            }
            Token::EndTag(t) => {
                spans.push(t.span.start..t.span.end);
                Tag::End(String::from_utf8_lossy(&t.name).into_owned())
            }
            Token::StartTag(t) => {
                spans.push(t.span.start..t.span.end);
                Tag::Start {
                    name: String::from_utf8_lossy(&t.name).into_owned(),
                    self_closing: t.self_closing,
                    attributes: t
                        .attributes
                        .iter()
                        .map(|(name, value)| {
                            let whole = raw(value.span.start, value.span.end);
                            let (start, written) = match whole.split_once('=') {
                                Some((n, v)) => {
                                    let v_start = n.len() + 1 + (v.len() - v.trim_start().len());
                                    (value.span.start + v_start, written_value(v.trim_start()))
                                }
                                None => (value.span.end, ""),
                            };
                            Attribute {
                                name: String::from_utf8_lossy(name).into_owned(),
                                value: String::from_utf8_lossy(&value.value).into_owned(),
                                written: written.to_string(),
                                at: start..start + written.len(),
                            }
                        })
                        .collect(),
                }
            }
        };
        tags.push(tag);
        texts.push(String::new());
    }
    Ok(Read { tags, spans, texts })
}

/// The value at the start of `v` as written: in its quotes, or up to a
/// space or the tag's end (the tokenizer's span may run on).
fn written_value(v: &str) -> &str {
    let end = match v.chars().next() {
        Some(q @ ('"' | '\'')) => v[1..].find(q).map_or(v.len(), |i| i + 2),
        _ => v.find(|c: char| is_space(c) || c == '>').unwrap_or(v.len()),
    };
    &v[..end]
}

fn is_placeholder(c: char) -> bool {
    Split::piece_of(c).is_some()
}

pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// `minified` (the minifier's output for `split.html`) with the quotes
/// the minifier took off values holding Tera syntax put back, if it means
/// the same as `split.html` whatever the placeholders become.
pub fn checked(split: &Split, minified: &str) -> Result<String, String> {
    let before = read(&split.html)?;
    let fitted = fit(split, &before, minified)?;
    // What was fitted must need no more fitting.
    if fit(split, &before, &fitted)? != fitted {
        return Err("压缩结果无法核对".into());
    }
    Ok(fitted)
}

/// `minified` fitted to mean what `before` means (see [`checked`]).
fn fit(split: &Split, before: &Read, minified: &str) -> Result<String, String> {
    let requoted = requote(before, &read(minified)?, minified);
    same_meaning(split, before, &read(&requoted)?, &requoted)
}

/// Whether whitespace just before and just after `html` would never show:
/// it begins with a tag that starts a block, or ends with one that ends it.
pub fn hidden_edges(html: &str) -> (bool, bool) {
    let Ok(r) = read(html) else {
        return (false, false);
    };
    let first = r.texts.first().is_some_and(String::is_empty)
        && r.tags.first().is_some_and(Tag::hides_before);
    let last =
        r.texts.last().is_some_and(String::is_empty) && r.tags.last().is_some_and(Tag::hides_after);
    (first, last)
}

/// The minifier writes a value without quotes when it has no space; a
/// value with Tera syntax may get one when rendered, so it gets back the
/// quotes it was written with.
fn requote(before: &Read, after: &Read, minified: &str) -> String {
    let mut edits = Vec::new();
    for (b, a) in before.tags.iter().zip(&after.tags) {
        let (Tag::Start { attributes: b, .. }, Tag::Start { attributes: a, .. }) = (b, a) else {
            continue;
        };
        // By name: the minifier may have left out a default attribute.
        for a in a {
            let Some(b) = b.iter().find(|b| b.name == a.name) else {
                continue;
            };
            let unquoted = !a.written.starts_with(['"', '\'']);
            if unquoted && a.written.chars().any(is_placeholder) && a.value == b.value {
                edits.push((a.at.clone(), b.written.as_str()));
            }
        }
    }
    edits.sort_by_key(|(at, _)| at.start);
    let mut out = String::with_capacity(minified.len() + 2 * edits.len());
    let mut from = 0;
    for (at, written) in edits {
        // An edit that does not fit is left out; the check then refuses.
        let Some(before) = minified.get(from..at.start) else {
            continue;
        };
        out.push_str(before);
        out.push_str(written);
        from = at.end;
    }
    out.push_str(minified.get(from..).unwrap_or_default());
    out
}

/// `minified` (read as `after`) with a space put back wherever the
/// minifier removed whitespace that may show; an error if anything else
/// differs from `before`.
fn same_meaning(
    split: &Split,
    before: &Read,
    after: &Read,
    minified: &str,
) -> Result<String, String> {
    if before.tags.len() != after.tags.len() {
        return Err(format!(
            "压缩后标签数不同（{} → {}）",
            before.tags.len(),
            after.tags.len()
        ));
    }
    let first_block = before.tags.first().is_some_and(Tag::hides_before);
    let mut out = fitted_text(&before.texts[0], &after.texts[0], false, first_block, false)
        .ok_or_else(|| {
            format!(
                "文字被改动：{:?} → {:?}",
                split.show(&before.texts[0]),
                split.show(&after.texts[0])
            )
        })?;
    // Whitespace in <head> is never shown.
    let mut in_head = false;
    for (i, (b, a)) in before.tags.iter().zip(&after.tags).enumerate() {
        check_tag(split, b, a)?;
        out.push_str(
            minified
                .get(after.spans[i].clone())
                .ok_or("压缩结果无法核对")?,
        );
        match b {
            Tag::Start { name, .. } if name == "head" => in_head = true,
            Tag::Start { name, .. } if !IN_HEAD.contains(&name.as_str()) => in_head = false,
            Tag::End(name) if name == "head" => in_head = false,
            _ => {}
        }
        let text = (&before.texts[i + 1], &after.texts[i + 1]);
        let next = before.tags.get(i + 1);
        if let Tag::Start { name, .. } = b {
            if PREFORMATTED.contains(&name.as_str()) {
                return Err(format!("有 <{name}>，其中的空白须逐页保留"));
            }
            if name == "noscript" {
                // Read as text by the tokenizer, shown as HTML when
                // scripts are off: its own small document.
                out.push_str(&fit(split, &read(text.0)?, text.1)?);
                continue;
            }
            if RAW_TEXT.contains(&name.as_str()) {
                // Nothing decodes entities in a script or a style: Tera's
                // escaping and the one used ahead (`&#x2F;` against `/`)
                // would show there.
                let escaped = |i: usize| {
                    matches!(name.as_str(), "script" | "style") && !split.is_statement(i)
                };
                let pieces = || text.0.chars().filter_map(Split::piece_of);
                if let Some(i) = pieces().find(|i| from_elsewhere(split, *i)) {
                    return Err(format!(
                        "<{name}> 中有来自别的模板的内容：{}",
                        split.pieces[i]
                    ));
                }
                if let Some(i) = pieces().find(|i| escaped(*i)) {
                    return Err(format!("<{name}> 中有 Tera 写入的值：{}", split.pieces[i]));
                }
                if text.0 != text.1 {
                    return Err(format!("<{name}> 的内容被改动"));
                }
                out.push_str(text.1);
                continue;
            }
        }
        // Whitespace alone between the children of a layout element goes,
        // as the page minifier does, when that element is surely the parent.
        let in_layout = text.0.chars().all(is_space)
            && parent(split, before, i + 1).is_some_and(|p| LAYOUT.contains(&p));
        // In <head>, between tags and statements that write nothing
        // themselves (not a block or an include), no whitespace is ever
        // shown: none is kept. Words (or anything Tera writes) end the
        // head, for a browser as here.
        let unseen = in_head
            && text.0.chars().filter(|c| !is_space(*c)).all(|c| {
                Split::piece_of(c)
                    .is_some_and(|i| split.is_statement(i) && !from_elsewhere(split, i))
            });
        in_head = unseen;
        let open = unseen || in_layout || b.hides_after();
        let close = unseen || in_layout || next.is_some_and(Tag::hides_before);
        let fitted = fitted_text(text.0, text.1, open, close, unseen).ok_or_else(|| {
            format!(
                "{} 与 {} 之间的文字被改动：{:?} → {:?}",
                b.written(),
                next.map_or("模板末尾".to_string(), Tag::written),
                split.show(text.0),
                split.show(text.1)
            )
        })?;
        out.push_str(&fitted);
    }
    Ok(out)
}

/// The element that surely holds the text before tag `k`: its start tag
/// is in this template, every tag in between is closed in between, and
/// nothing in between may write or skip tags (a statement, `| safe`, a
/// macro or include).
fn parent<'a>(split: &Split, read: &'a Read, k: usize) -> Option<&'a str> {
    let mut open: Vec<&str> = Vec::new();
    for j in (0..k).rev() {
        if read.texts[j + 1]
            .chars()
            .filter_map(Split::piece_of)
            .any(|i| may_write_tags(split, i))
        {
            return None;
        }
        match &read.tags[j] {
            Tag::End(name) => open.push(name),
            Tag::Start { name, .. } if VOID.contains(&name.as_str()) => {}
            Tag::Start { name, .. } => match open.pop() {
                None => return Some(name),
                Some(closed) if closed == name => {}
                Some(_) => return None,
            },
            Tag::Doctype(_) => {}
        }
    }
    None
}

fn may_write_tags(split: &Split, i: usize) -> bool {
    split.is_statement(i) || from_elsewhere(split, i) || split.pieces[i].contains("safe")
}

/// Whether piece `i` brings in another template's text: an include, a
/// block, a macro call, `super()`.
fn from_elsewhere(split: &Split, i: usize) -> bool {
    if split.is_statement(i) {
        !matches!(
            split.keyword(i),
            "if" | "elif"
                | "else"
                | "endif"
                | "for"
                | "endfor"
                | "set"
                | "set_global"
                | "break"
                | "continue"
        )
    } else {
        let inner = split.inner(i);
        inner.contains("::") || inner.contains("super(")
    }
}

fn check_tag(split: &Split, before: &Tag, after: &Tag) -> Result<(), String> {
    let (
        Tag::Start {
            name,
            self_closing,
            attributes,
        },
        Tag::Start {
            name: name_after,
            self_closing: self_closing_after,
            attributes: attributes_after,
        },
    ) = (before, after)
    else {
        return if before == after {
            Ok(())
        } else {
            Err(format!("标签被改动：{before:?} → {after:?}"))
        };
    };
    let changed = || Err(format!("标签被改动：<{name}> → <{name_after}>"));
    if name != name_after || name.chars().any(is_placeholder) {
        return changed();
    }
    if self_closing != self_closing_after && !VOID.contains(&name.as_str()) {
        return changed();
    }
    if let Some(i) = attributes
        .iter()
        .find_map(|a| a.name.chars().find_map(Split::piece_of))
    {
        return Err(format!(
            "<{name}> 标签内、属性值之外有 Tera 语法：{}",
            split.pieces[i]
        ));
    }
    // The minifier may reorder attributes; Tera statements in them (a
    // `set` read by a later value) must keep their order.
    let statement = attributes.iter().any(|a| {
        a.written
            .chars()
            .filter_map(Split::piece_of)
            .any(|i| split.is_statement(i))
    });
    if statement && written_order(attributes_after) != written_order(attributes) {
        return Err(format!(
            "<{name}> 的属性中有 Tera 语句，压缩改变了属性的顺序"
        ));
    }
    // The page minifier leaves out an attribute that says what the
    // browser assumes anyway (`method="get"`); any other must be there.
    let kept: Vec<&Attribute> = attributes
        .iter()
        .filter(|b| attributes_after.iter().any(|a| a.name == b.name) || !is_default(name, b))
        .collect();
    if kept.len() != attributes_after.len() {
        return changed();
    }
    for (b, a) in kept.into_iter().zip(attributes_after) {
        let (n, value, written) = (&b.name, &b.value, &b.written);
        let (n_after, value_after, written_after) = (&a.name, &a.value, &a.written);
        if n != n_after {
            return changed();
        }
        if !balanced(split, written) {
            return Err(format!(
                "<{name}> 的属性 {n} 中的 Tera 语句没有在值内结束：{}",
                split.show(written)
            ));
        }
        let with_tera =
            written.chars().any(is_placeholder) || written_after.chars().any(is_placeholder);
        let quoted = written.starts_with(['"', '\'']);
        let same = if with_tera {
            quoted && written == written_after
        } else if n == "class" {
            value
                .split_ascii_whitespace()
                .eq(value_after.split_ascii_whitespace())
        } else if n == "content" && is_viewport(attributes) {
            // The page minifier takes the spaces out of the viewport's
            // list, which browsers read either way.
            let bare = |v: &str| v.chars().filter(|c| !is_space(*c)).collect::<String>();
            bare(value) == bare(value_after)
        } else {
            value == value_after
        };
        if !same {
            return Err(format!(
                "<{name}> 的属性 {n} 被改动：{} → {}",
                split.show(written),
                split.show(written_after)
            ));
        }
    }
    Ok(())
}

/// Whether the Tera in an attribute value `text` is only values and
/// control flow that closes every block it opens (`{% if %}…{% endif %}`),
/// so that what it chooses stays inside the value; no block, include or
/// macro, whose text would be minified as if it were outside a tag.
fn balanced(split: &Split, text: &str) -> bool {
    let mut depth: usize = 0;
    for i in text.chars().filter_map(Split::piece_of) {
        if from_elsewhere(split, i) {
            return false;
        }
        if !split.is_statement(i) {
            continue;
        }
        match split.keyword(i) {
            "if" | "for" => depth += 1,
            "endif" | "endfor" => {
                let Some(d) = depth.checked_sub(1) else {
                    return false;
                };
                depth = d;
            }
            "elif" | "else" | "set" | "set_global" | "break" | "continue" => {}
            _ => return false,
        }
    }
    depth == 0
}

/// Elements a `<head>` may hold; any other tag, or words, end it (so does
/// `<body>`), as they do for a browser.
const IN_HEAD: &[&str] = &[
    "base", "link", "meta", "noscript", "script", "style", "template", "title",
];

/// The names of attributes with Tera syntax in their values, in the order written.
fn written_order(attributes: &[Attribute]) -> Vec<&str> {
    let mut names: Vec<(usize, &str)> = attributes
        .iter()
        .filter(|a| a.written.chars().any(is_placeholder))
        .map(|a| (a.at.start, a.name.as_str()))
        .collect();
    names.sort_unstable();
    names.into_iter().map(|(_, n)| n).collect()
}

/// Attributes whose value is what the browser assumes without them.
fn is_default(tag: &str, a: &Attribute) -> bool {
    let defaults: &[(&str, &str, &str)] = &[
        ("form", "method", "get"),
        ("input", "type", "text"),
        ("button", "type", "submit"),
        ("script", "type", "text/javascript"),
        ("style", "type", "text/css"),
        ("link", "type", "text/css"),
    ];
    defaults
        .iter()
        .any(|(t, n, v)| *t == tag && a.name == *n && a.value.eq_ignore_ascii_case(v))
}

fn is_viewport(attributes: &[Attribute]) -> bool {
    attributes
        .iter()
        .any(|a| a.name == "name" && a.value.eq_ignore_ascii_case("viewport"))
}

/// Text `after` fitted to show as `before` does, wherever it stands: the
/// same words, each run of whitespace kept or made one space; at `open` or
/// `close` (a block's edge) a run goes, elsewhere one the minifier removed
/// is one space again; `unseen`: no whitespace at all. `None` if the words
/// differ.
fn fitted_text(before: &str, after: &str, open: bool, close: bool, unseen: bool) -> Option<String> {
    if unseen {
        let bare = |t: &str| t.chars().filter(|c| !is_space(*c)).collect::<String>();
        return (bare(before) == bare(after)).then(|| bare(after));
    }
    let b = runs(before);
    let a = runs(after);
    // A run where it never shows goes, whatever the minifier left;
    // elsewhere it is kept, or one space for it.
    let fit = |b: &str, a: &str, removable: bool| -> Option<String> {
        if removable && (a.is_empty() || a == b || (a == " " && !b.is_empty())) {
            Some(String::new())
        } else if a == b || (a == " " && !b.is_empty()) || (a.is_empty() && b.is_empty()) {
            Some(a.to_string())
        } else if a.is_empty() {
            Some(" ".to_string())
        } else {
            None
        }
    };
    if b.words.is_empty() {
        return if a.words.is_empty() {
            fit(&b.lead, &a.lead, open || close)
        } else {
            None
        };
    }
    if b.words != a.words || b.gaps.len() != a.gaps.len() {
        return None;
    }
    let mut out = fit(&b.lead, &a.lead, open)?;
    for (i, word) in a.words.iter().enumerate() {
        out.push_str(word);
        if let (Some(b), Some(a)) = (b.gaps.get(i), a.gaps.get(i)) {
            out.push_str(&fit(b, a, false)?);
        }
    }
    out.push_str(&fit(&b.trail, &a.trail, close)?);
    Some(out)
}

/// Text as words and the whitespace around and between them.
#[derive(Default)]
struct Runs {
    lead: String,
    words: Vec<String>,
    gaps: Vec<String>,
    trail: String,
}

fn runs(text: &str) -> Runs {
    let mut r = Runs::default();
    let body = text.trim_start_matches(is_space);
    r.lead = text[..text.len() - body.len()].to_string();
    let body_end = body.trim_end_matches(is_space);
    r.trail = body[body_end.len()..].to_string();
    let mut rest = body_end;
    while !rest.is_empty() {
        let word_end = rest.find(is_space).unwrap_or(rest.len());
        r.words.push(rest[..word_end].to_string());
        rest = &rest[word_end..];
        if rest.is_empty() {
            break;
        }
        let gap_end = rest.find(|c| !is_space(c)).unwrap_or(rest.len());
        r.gaps.push(rest[..gap_end].to_string());
        rest = &rest[gap_end..];
    }
    r
}

//! Where Tera treats a template's own text as data rather than writing it
//! out: the body of a `{% filter %}` block, and a macro's output when it
//! is filtered, stored with `set`, tested or passed to another macro.
//! Minifying changes that text's whitespace, which a page never shows but
//! data may (a `length`, a `truncate`, `striptags`), so such a use of a
//! body the minifier changed is refused.

use super::tera_syntax::Split;

/// The macros whose bodies minifying changed; an error if the body of a
/// `{% filter %}` block changed. `before` is `split.html`, `after` the
/// checked minified form of it.
pub fn changed_macros(split: &Split, before: &str, after: &str) -> Result<Vec<String>, String> {
    let (at_before, at_after) = (positions(before), positions(after));
    let body = |text: &str, at: &[usize], open: usize, close: usize| -> Option<String> {
        text.get(*at.get(open)?..*at.get(close)?)
            .map(str::to_string)
    };
    let mut open: Vec<usize> = Vec::new();
    let mut changed = Vec::new();
    for i in 0..split.pieces.len() {
        if !split.is_statement(i) {
            continue;
        }
        match split.keyword(i) {
            "macro" | "filter" => open.push(i),
            "endmacro" | "endfilter" => {
                let Some(start) = open.pop() else {
                    return Err(format!("{} 没有对应的开头", split.pieces[i]));
                };
                let same = body(before, &at_before, start, i) == body(after, &at_after, start, i);
                if same {
                    continue;
                }
                if split.keyword(start) == "filter" {
                    return Err(format!(
                        "{} 的内容被压缩改动，而过滤器读取这段文字",
                        split.pieces[start]
                    ));
                }
                let name = split.inner(start)["macro".len()..].trim_start();
                let name = name.split('(').next().unwrap_or_default().trim();
                changed.push(name.to_string());
            }
            _ => {}
        }
    }
    Ok(changed)
}

/// Byte offset of each placeholder in `text`, by piece number.
fn positions(text: &str) -> Vec<usize> {
    let mut at = Vec::new();
    for (offset, c) in text.char_indices() {
        if let Some(i) = Split::piece_of(c) {
            if at.len() <= i {
                at.resize(i + 1, usize::MAX);
            }
            at[i] = offset;
        }
    }
    at
}

/// Refuses a piece that uses the output of a macro in `changed` as data:
/// anything but `{{ ns::name(…) }}`, or that with `| safe`, with no other
/// changed macro in its arguments.
pub fn check_calls(piece: &str, changed: &[String]) -> Result<(), String> {
    let calls = |name: &str| piece.match_indices(&format!("::{name}(")).count();
    let uses: usize = changed.iter().map(|n| calls(n)).sum();
    if uses == 0 {
        return Ok(());
    }
    let refused = || Err(format!("{piece} 把压缩改动了空白的宏输出当作数据使用"));
    let Some(expr) = piece.strip_prefix("{{").and_then(|p| p.strip_suffix("}}")) else {
        return refused();
    };
    let expr = expr.trim_matches(|c: char| c == '-' || c.is_whitespace());
    // `ns::name(args)`, then nothing or `| safe`.
    let Some(open) = expr.find('(') else {
        return refused();
    };
    let head = &expr[..open];
    // The changed macro must be the call itself, not one of its arguments.
    let is_call = head
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
        && head
            .rsplit_once("::")
            .is_some_and(|(_, name)| changed.iter().any(|c| c == name));
    let Some(close) = closing_paren(expr, open) else {
        return refused();
    };
    let rest = expr[close + 1..].trim();
    let rest_ok = rest.is_empty() || rest.strip_prefix('|').is_some_and(|f| f.trim() == "safe");
    if is_call && rest_ok && uses == 1 {
        Ok(())
    } else {
        refused()
    }
}

/// Where the parenthesis opened at `open` closes, outside string literals.
fn closing_paren(expr: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in expr.char_indices().skip_while(|(i, _)| *i < open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::templates::tera_syntax::split;

    #[test]
    fn output_of_a_changed_macro_may_only_be_written_out() {
        let changed = vec!["intro".to_string()];
        for fine in [
            "{{ m::intro() }}",
            "{{ self::intro(a=\"x)\") | safe }}",
            "{{- m::intro(rows=r | default(value=1)) -}}",
            "{{ m::other() | length }}",
            "{% set x = m::other() %}",
        ] {
            assert!(check_calls(fine, &changed).is_ok(), "{fine}");
        }
        for refused in [
            "{{ m::intro() | striptags }}",
            "{{ m::intro() | truncate(length=10) }}",
            "{% set t = self::intro() %}",
            "{% if m::intro() %}",
            "{{ m::other(x=m::intro()) }}",
            "{{ \"a\" ~ m::intro() }}",
        ] {
            assert!(check_calls(refused, &changed).is_err(), "{refused}");
        }
    }

    #[test]
    fn changed_bodies_are_found() {
        let s = split("{% macro a() %}x  y{% endmacro %}{% macro b() %}z{% endmacro %}")
            .expect("splits");
        let minified = s.html.replace("x  y", "x y");
        assert_eq!(
            changed_macros(&s, &s.html, &minified),
            Ok(vec!["a".to_string()])
        );
        let f = split("{% filter upper %}a  b{% endfilter %}").expect("splits");
        assert!(changed_macros(&f, &f.html, &f.html.replace("a  b", "a b")).is_err());
        assert_eq!(changed_macros(&f, &f.html, &f.html), Ok(vec![]));
    }
}

//! Where Tera would read a template's own text as data rather than write
//! it out: the body of a `{% filter %}` block, and a macro's output when it
//! is filtered, stored with `set`, tested or passed to another macro.
//! Minifying changes that text's whitespace (and the escaping of values
//! inside it), which a page never shows but data may (a `length`, a
//! `truncate`), so a theme that does so is not minified ahead. A macro
//! call may only be written out whole: `{{ ns::name(…) }}`, or that with
//! `| safe`, with no other call in its arguments. (Where one stands is
//! checked with the rest of the page: not in an attribute, a script or a
//! style.)

/// Refuses `piece` if it may read minified text as data.
pub fn check(piece: &str) -> Result<(), String> {
    let refused = |why: &str| Err(format!("{piece} {why}"));
    let inner = piece
        .get(2..piece.len().saturating_sub(2))
        .unwrap_or_default()
        .trim_matches(|c: char| c == '-' || c.is_whitespace());
    if piece.starts_with("{%") && inner.split_whitespace().next() == Some("filter") {
        return refused("：过滤器读取其中的文字，压缩会改变结果");
    }
    if !inner.contains("::") {
        return Ok(());
    }
    let whole_call = piece.starts_with("{{") && {
        // `ns::name(args)`, then nothing or `| safe`.
        let open = inner.find('(');
        let head = open.map_or("", |o| inner[..o].trim_end());
        let close = open.and_then(|o| closing_paren(inner, o));
        let rest = close.map_or("x", |c| inner[c + 1..].trim());
        let args = match (open, close) {
            (Some(o), Some(c)) => &inner[o + 1..c],
            _ => "::",
        };
        head.contains("::")
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && !args.contains("::")
            && (rest.is_empty() || rest.strip_prefix('|').is_some_and(|f| f.trim() == "safe"))
    };
    if whole_call {
        Ok(())
    } else {
        refused("：宏的输出被当作数据使用（过滤、赋值、判断或传给别的宏），压缩会改变结果")
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
                depth = depth.checked_sub(1)?;
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
    use super::check;

    #[test]
    fn a_macro_may_only_be_written_out_whole() {
        for fine in [
            "{{ m::intro() }}",
            "{{ self::intro(a=\"x)\") | safe }}",
            "{{- m::table(rows=r | default(value=1), caption=c ~ \"项\") -}}",
            "{{ x | length }}",
            "{% set x = y | upper %}",
            "{% if a %}",
        ] {
            assert!(check(fine).is_ok(), "{fine}");
        }
        for refused in [
            "{{ m::intro() | striptags }}",
            "{{ m::intro () | length }}",
            "{{ m::intro() | truncate(length=10) }}",
            "{% set t = self::intro() %}",
            "{% if m::intro() %}",
            "{{ m::other(x=m::intro()) }}",
            "{{ \"a\" ~ m::intro() }}",
            "{% filter upper %}",
            "{%- filter length -%}",
        ] {
            assert!(check(refused).is_err(), "{refused}");
        }
    }
}

//! A command line clap cannot read, said in Chinese: clap has no Chinese
//! of its own, and a clerk should not have to read English to find a
//! mistyped option. Kinds not translated here keep clap's English text,
//! after one Chinese line.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// What went wrong, in Chinese, with clap's suggestion if it has one;
/// `None` for the kinds not translated.
pub fn chinese(e: &clap::Error) -> Option<String> {
    let get = |kind| e.get(kind).map(text);
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let mut msg = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("没有命令 “{}”", get(ContextKind::InvalidSubcommand)?)
        }
        ErrorKind::UnknownArgument => format!("不认识的选项或参数 “{arg}”"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数 {arg}"),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 后面缺少值"),
        ErrorKind::InvalidValue => format!("{arg} 的值 “{value}” 不在可选范围内"),
        ErrorKind::ValueValidation => format!("{arg} 的值 “{value}” 无效{}", reason(e)),
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            Some(prior) if prior != arg => format!("{arg} 不能与 {prior} 同时使用"),
            _ => format!("{arg} 只能写一次"),
        },
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg} 的值个数不对")
        }
        ErrorKind::NoEquals => format!("{arg} 的值要用 = 连在后面"),
        _ => return None,
    };
    if let Some(valid) = get(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
        msg.push_str(&format!("；可选的值：{valid}"));
    }
    let suggestion = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(get);
    if let Some(s) = suggestion {
        msg.push_str(&format!("。是不是要写 {s}？"));
    }
    Some(msg)
}

/// Why a value was refused, for the number parsers the options use: an
/// integer that does not parse, or one outside its range (clap says
/// `99999 is not in 0..=65535`).
fn reason(e: &clap::Error) -> String {
    use std::num::IntErrorKind;
    let Some(source) = std::error::Error::source(e) else {
        return String::new();
    };
    if let Some(parse) = source.downcast_ref::<std::num::ParseIntError>() {
        return match parse.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => "：超出允许的范围".into(),
            IntErrorKind::Empty => "：不能为空".into(),
            _ => "：应为整数".into(),
        };
    }
    let said = source.to_string();
    match said
        .split_once(" is not in ")
        .and_then(|(_, range)| range.split_once("..="))
    {
        Some((low, high)) => format!("：应在 {low}–{high} 之间"),
        None => String::new(),
    }
}

/// clap's usage line (`Usage: qingdan build [选项]`) in Chinese.
pub fn usage(e: &clap::Error) -> Option<String> {
    let usage = text(e.get(ContextKind::Usage)?);
    let usage = usage.trim();
    Some(format!(
        "用法：{}",
        usage.strip_prefix("Usage:").unwrap_or(usage).trim()
    ))
}

fn text(value: &ContextValue) -> String {
    match value {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join("、"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(v) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, Command};

    fn error(args: &[&str]) -> clap::Error {
        Command::new("qingdan")
            .subcommand(
                Command::new("serve").arg(
                    Arg::new("port")
                        .long("port")
                        .value_parser(clap::value_parser!(u16)),
                ),
            )
            .try_get_matches_from(args)
            .unwrap_err()
    }

    #[test]
    fn the_common_mistakes_are_said_in_chinese() {
        let said = |args: &[&str]| chinese(&error(args)).unwrap_or_default();
        assert_eq!(
            said(&["qingdan", "serv"]),
            "没有命令 “serv”。是不是要写 serve？"
        );
        assert_eq!(
            said(&["qingdan", "serve", "--prot", "1"]),
            "不认识的选项或参数 “--prot”。是不是要写 --port？"
        );
        assert_eq!(
            said(&["qingdan", "serve", "--port", "x"]),
            "--port <port> 的值 “x” 无效：应为整数"
        );
        assert_eq!(
            said(&["qingdan", "serve", "--port", "70000"]),
            "--port <port> 的值 “70000” 无效：应在 0–65535 之间"
        );
        assert_eq!(
            usage(&error(&["qingdan", "serve", "--prot"])).as_deref(),
            Some("用法：qingdan serve --port <port>")
        );
    }
}

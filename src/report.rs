//! What `build` tells the person at the terminal: errors in full, warnings
//! as a count per kind with the first few in full (a site of thousands of
//! matters can have thousands of warnings), and a spinner while a long
//! build runs on a terminal.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};

/// How many warnings `build` prints in full before summarising.
pub const FIRST_WARNINGS: usize = 5;

/// The lines `build` prints for `diags`: every error, then the warnings in
/// full when there are few (or `verbose`), else a summary. Review notes are
/// only counted elsewhere.
pub fn build_lines(diags: &Diagnostics, verbose: bool) -> Vec<String> {
    let sorted = diags.sorted();
    let mut lines: Vec<String> = sorted
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    let warnings: Vec<&Diagnostic> = sorted
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    if verbose || warnings.len() <= FIRST_WARNINGS {
        lines.extend(warnings.iter().map(|d| d.to_string()));
        return lines;
    }
    lines.push(format!("提示 warning：共 {} 条，按类别：", warnings.len()));
    let mut kinds: BTreeMap<String, (usize, &Diagnostic)> = BTreeMap::new();
    for d in &warnings {
        kinds.entry(kind(&d.message)).or_insert((0, d)).0 += 1;
    }
    let mut kinds: Vec<(usize, &Diagnostic)> = kinds.into_values().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.0));
    for (count, example) in kinds {
        let first_line = example.message.lines().next().unwrap_or_default();
        lines.push(format!(
            "  {count:>5} 条，例如 {}: {first_line}",
            example.file.display()
        ));
    }
    lines.push(format!("前 {FIRST_WARNINGS} 条全文："));
    lines.extend(warnings.iter().take(FIRST_WARNINGS).map(|d| d.to_string()));
    lines.push(format!(
        "（其余 {} 条提示：运行 qingdan check 或 qingdan build --verbose 查看全部）",
        warnings.len() - FIRST_WARNINGS
    ));
    lines
}

/// What stays the same across warnings of one kind: the first line of the
/// message without the parts that name this case (quoted names, the text in
/// brackets, numbers and ASCII words such as keys and file names).
pub fn kind(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default();
    let mut out = String::new();
    let mut skip_until: Option<char> = None;
    let mut in_ascii = false;
    for c in first.chars() {
        if let Some(end) = skip_until {
            if c == end {
                skip_until = None;
                out.push(c);
            }
            continue;
        }
        match c {
            '“' => {
                out.push(c);
                skip_until = Some('”');
            }
            '（' => {
                out.push(c);
                skip_until = Some('）');
            }
            c if c.is_ascii_alphanumeric() || "_-./–".contains(c) => {
                if !in_ascii {
                    out.push('…');
                }
                in_ascii = true;
                continue;
            }
            c => out.push(c),
        }
        in_ascii = false;
    }
    out
}

/// A spinner on stderr for a build that takes more than a second, only
/// when stderr is a terminal. [`Progress::finish`] removes it.
pub struct Progress {
    done: Arc<AtomicBool>,
    bar: Arc<Mutex<Option<indicatif::ProgressBar>>>,
}

impl Progress {
    pub fn start(message: &'static str) -> Progress {
        let progress = Progress {
            done: Arc::new(AtomicBool::new(false)),
            bar: Arc::new(Mutex::new(None)),
        };
        if !std::io::stderr().is_terminal() {
            return progress;
        }
        let done = Arc::clone(&progress.done);
        let slot = Arc::clone(&progress.bar);
        let _ = std::thread::Builder::new()
            .name("qingdan-progress".into())
            .spawn(move || {
                for _ in 0..20 {
                    std::thread::sleep(Duration::from_millis(50));
                    if done.load(Ordering::SeqCst) {
                        return;
                    }
                }
                let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
                if done.load(Ordering::SeqCst) {
                    return;
                }
                let bar = indicatif::ProgressBar::new_spinner();
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("{spinner} {msg}（已用 {elapsed}）")
                {
                    bar.set_style(style);
                }
                bar.set_message(message);
                bar.enable_steady_tick(Duration::from_millis(120));
                *slot = Some(bar);
            });
        progress
    }

    pub fn finish(self) {
        self.done.store(true, Ordering::SeqCst);
        let mut slot = self.bar.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(bar) = slot.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn kinds_ignore_what_names_the_case() {
        assert_eq!(
            kind("第 1 项之后是第 4 项，缺少第 2–3 项"),
            kind("第 10 项之后是第 12 项，缺少第 11 项")
        );
        assert_eq!(
            kind("[government] 未设置 address（地址），页脚中将不显示"),
            kind("[government] 未设置 icp（ICP备案号），页脚中将不显示")
        );
        assert_eq!(
            kind("小节 “一” 没有内容"),
            kind("小节 “乡镇(街道)配合职责” 没有内容")
        );
        assert_ne!(kind("小节 “一” 没有内容"), kind("未作为事项读入：隐藏文件"));
    }

    #[test]
    fn many_warnings_are_summarised() {
        let mut d = Diagnostics::default();
        d.error(Path::new("a.md"), None, "坏了");
        for i in 0..30 {
            d.warning(
                Path::new(&format!("c/{i:03}.md")),
                None,
                format!("小节 “{i}” 没有内容"),
            );
        }
        for key in ["address", "icp"] {
            d.warning(
                Path::new("site.toml"),
                None,
                format!("[government] 未设置 {key}（x）"),
            );
        }
        d.review(Path::new("r.md"), None, "待核实");
        let lines = build_lines(&d, false);
        assert!(lines[0].contains("坏了"));
        let all = lines.join("\n");
        assert!(all.contains("共 32 条"), "{all}");
        assert!(
            all.contains("   30 条，例如 c/000.md: 小节 “0” 没有内容"),
            "{all}"
        );
        assert!(all.contains("    2 条，例如 site.toml"), "{all}");
        assert!(all.contains("其余 27 条"), "{all}");
        assert!(!all.contains("待核实"), "{all}");
        assert_eq!(
            all.matches("提示 warning: ").count(),
            FIRST_WARNINGS,
            "{all}"
        );
        // --verbose: every one.
        let verbose = build_lines(&d, true).join("\n");
        assert_eq!(verbose.matches("提示 warning: ").count(), 32);
    }

    #[test]
    fn a_few_warnings_are_printed_in_full() {
        let mut d = Diagnostics::default();
        d.warning(Path::new("site.toml"), None, "未设置 url");
        assert_eq!(build_lines(&d, false).len(), 1);
    }
}

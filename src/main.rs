use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use qingdan::diagnostics::{Diagnostics, Severity};
use qingdan::model::Site;
use qingdan::pipeline::{self, BuildError};
use qingdan::{say, say_err};

/// The build makes and frees millions of small strings and tree nodes (the
/// search index's postings above all): mimalloc takes about a third less
/// CPU time for them than the system allocator (measured: `qingdan check`
/// of 28,200 matters, 14.3 s user time against 9.6 s; peak memory 381 MB
/// against 340 MB). Its v2 line keeps small builds' memory lower than v3.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// qingdan: publish a township's duty list (履职事项清单) as a static website.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: ROOT/dist).
    Build {
        /// The site's folder, the one holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site; replaced whole, only when the build succeeds,
        /// and only if qingdan wrote it, it is empty or it does not exist.
        /// A symbolic link is kept and the folder it points at replaced.
        #[arg(long)]
        output: Option<PathBuf>,
        /// URL path the site is served under, e.g. /zwgk/lzqd/ (default: site.toml's base_path).
        #[arg(long)]
        base_path: Option<String>,
        /// Also replace an output folder that is not exactly what qingdan last wrote
        /// there (no .qingdan-site marker, or files the marker does not list),
        /// deleting everything in it. Never the site itself, its parents, content/,
        /// theme/, another site, a git repository, a mount or a system folder.
        #[arg(long)]
        force: bool,
        /// Print every warning (by default: a count per kind and the first few).
        #[arg(long, short)]
        verbose: bool,
    },
    /// Preview the site while editing: build it in memory (dist/ is not touched), serve it
    /// on this computer and reload open pages after every saved change.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to serve on (default: 1111, or the next free one).
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on; the default lets only this computer see the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// URL path to serve the site under, e.g. /zwgk/lzqd/ (default: site.toml's base_path).
        #[arg(long)]
        base_path: Option<String>,
        /// Open the preview in the browser.
        #[arg(long)]
        open: bool,
    },
    /// Load and validate everything, write nothing; list all errors, warnings and a summary.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create the next matter file of a list, laid out as check wants it.
    New {
        /// The list: basic (基本), cooperative (配合) or revoked (收回).
        list: String,
        /// 事项类别, as registered in content/categories.toml.
        #[arg(long)]
        category: Option<String>,
        /// 事项名称.
        #[arg(long)]
        title: Option<String>,
        /// A department's full name, as registered in content/departments.toml; repeat for several.
        #[arg(long = "department")]
        departments: Vec<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Import a published list (text extracted from its PDF, or one CSV per table) into content/.
    Import {
        /// The extracted text, or CSV files with the tables' headers (序号, 事项类别, 事项名称, …).
        #[arg(required = true)]
        sources: Vec<PathBuf>,
        /// Folder to write matter files and registries into.
        #[arg(long, default_value = "content")]
        into: PathBuf,
        /// The reviewed data file: registries and per-row judgements on damaged cells.
        #[arg(long)]
        reviewed: Option<PathBuf>,
        /// Also write the import report to this file.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_path,
            force,
            verbose,
        } => {
            let output = output.unwrap_or_else(|| root.join("dist"));
            // Ctrl-C, SIGTERM, SIGHUP: remove the staging folder and the lock,
            // leave the output as it was. Without a handler, the default
            // (ending at once) still leaves the output intact.
            if let Err(e) = ctrlc::set_handler(|| qingdan::output::interrupt::on_signal()) {
                say_err!("提示 warning: 无法处理中断信号（{e}）；构建被中断时临时目录会留到下次构建清除。");
            }
            let progress = qingdan::report::Progress::start("正在构建网站…");
            let result = pipeline::build(&root, &output, base_path.as_deref(), force);
            progress.finish();
            match result {
                Ok(built) => {
                    print_build_diagnostics(&built.diags, verbose);
                    for note in &built.leftovers {
                        say_err!("提示 warning: {note}");
                    }
                    say!(
                        "已生成 {} 个文件到 {}（{} 个事项，网址路径 {}）。{}",
                        built.files,
                        built.target,
                        built.site.matters.len(),
                        built.site.config.base_path,
                        review_summary(&built.diags)
                    );
                    ExitCode::SUCCESS
                }
                Err(BuildError::Invalid(diags)) => {
                    // The errors are what stops the build; review notes
                    // would bury them, so they are only counted.
                    print_build_diagnostics(&diags, verbose);
                    say_err!(
                        "构建失败：{} 个错误；{} 未改动。{}",
                        diags.count(Severity::Error),
                        output.display(),
                        review_summary(&diags)
                    );
                    ExitCode::from(1)
                }
                Err(BuildError::Failed(diags, msg)) => {
                    print_build_diagnostics(&diags, verbose);
                    say_err!("构建失败：{msg}\n{} 未改动。", output.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Import {
            sources,
            into,
            reviewed,
            report,
            force,
        } => {
            let opts = qingdan::import::Options {
                sources: &sources,
                into: &into,
                reviewed: reviewed.as_deref(),
                report: report.as_deref(),
                force,
            };
            match qingdan::import::run(&opts) {
                Ok(outcome) => {
                    say!("{}", outcome.report);
                    say!("已写入 {} 个文件到 {}。", outcome.written, into.display());
                    for p in &outcome.imported.problems {
                        say_err!("提示 warning: {p}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    say_err!("导入失败：{e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New {
            list,
            category,
            title,
            departments,
            root,
        } => {
            let list = match qingdan::scaffold::parse_list(&list) {
                Ok(l) => l,
                Err(e) => {
                    say_err!("{e}");
                    return ExitCode::from(2);
                }
            };
            let req = qingdan::scaffold::NewMatter {
                list,
                category: category.as_deref(),
                title: title.as_deref(),
                departments: &departments,
            };
            match qingdan::scaffold::create(&root, &req) {
                Ok(path) => {
                    say!("{}", path.display());
                    say_err!("已新建 {}：填写后运行 qingdan check 检查。", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    say_err!("未新建事项：{e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve {
            root,
            port,
            bind,
            base_path,
            open,
        } => {
            let opts = qingdan::serve::Options {
                root,
                port,
                bind,
                base_path,
                open,
            };
            match qingdan::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    say_err!("无法启动预览：{msg}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { root } => {
            let (site, diags) = pipeline::check(&root, None);
            for d in diags.sorted() {
                say_err!("{d}");
            }
            if let Some(site) = &site {
                print_summary(site);
            }
            let errors = diags.count(Severity::Error);
            let warnings = diags.count(Severity::Warning);
            let reviews = diags.count(Severity::Review);
            say!("检查完成：{errors} 个错误，{warnings} 条提示，{reviews} 个事项待核实。");
            if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

/// Errors in full; warnings in full when few or `verbose`, else summarised.
fn print_build_diagnostics(diags: &Diagnostics, verbose: bool) {
    for line in qingdan::report::build_lines(diags, verbose) {
        say_err!("{line}");
    }
}

fn review_summary(diags: &Diagnostics) -> String {
    let n = diags.count(Severity::Review);
    if n == 0 {
        String::new()
    } else {
        format!("（另有 {n} 个事项有待核实说明，运行 qingdan check 查看）")
    }
}

fn print_summary(site: &Site) {
    say!("\n事项统计：共 {} 项", site.matters.len());
    for l in &site.lists {
        say!("  {}：{} 项", l.name, l.count);
    }
    say!("按事项类别：");
    for c in &site.categories {
        let parts: Vec<String> = c
            .groups
            .iter()
            .map(|g| format!("{} {}", g.name, g.count))
            .collect();
        say!("  {}：{} 项（{}）", c.name, c.count, parts.join("，"));
    }
    if !site.uncategorized.is_empty() {
        say!("  未分类：{} 项", site.uncategorized.len());
    }
    say!("按部门：");
    for d in &site.departments {
        let parts: Vec<String> = d
            .groups
            .iter()
            .map(|g| format!("{} {}", g.name, g.count))
            .collect();
        say!("  {}：{} 项（{}）", d.name, d.count, parts.join("，"));
    }
}

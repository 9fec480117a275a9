mod usage_error;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, CommandFactory, Parser, Subcommand};

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

/// The help's layout, in Chinese like everything a clerk reads.
const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// qingdan：把乡镇（街道）履职事项清单发布成网站。
#[derive(Parser)]
#[command(
    version,
    help_template = HELP,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    override_usage = "qingdan <命令> [选项]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "常用：qingdan check 检查内容，qingdan serve 边改边预览，qingdan build 生成网站。\n每个命令的说明：qingdan 命令 --help，例如 qingdan build --help。详见 README.md 和 docs/编辑指南.md。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short, long, action = ArgAction::Help, global = true, help_heading = "选项")]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version, help_heading = "选项")]
    version: Option<bool>,
}

#[derive(Subcommand)]
#[command(help_template = HELP, next_help_heading = "选项")]
enum Command {
    /// 生成网站，写到输出文件夹（默认：站点文件夹下的 dist）。
    #[command(help_template = HELP, next_help_heading = "选项", override_usage = "qingdan build [选项]")]
    Build {
        /// 站点文件夹，即 site.toml 所在的文件夹（默认：当前文件夹）
        #[arg(
            long,
            default_value = ".",
            value_name = "文件夹",
            hide_default_value = true
        )]
        root: PathBuf,
        /// 网站写到哪里（默认：站点文件夹下的 dist）。只有构建成功才整体替换；并且只替换 qingdan 写过的、空的或不存在的文件夹。若是符号链接，保留链接，替换它指向的文件夹
        #[arg(long, value_name = "文件夹")]
        output: Option<PathBuf>,
        /// 网站所在的网址路径，例如 /zwgk/lzqd/（默认：site.toml 的 base_path）
        #[arg(long, value_name = "路径")]
        base_path: Option<String>,
        /// 也替换不完全是 qingdan 上次写入的输出文件夹（没有 .qingdan-site 标记，或有标记之外的文件），其中的一切都会被删除。站点本身、它的上级、content/、theme/、其他站点、git 仓库、挂载点和系统文件夹永远不替换
        #[arg(long)]
        force: bool,
        /// 列出每一条提示（默认：每类只给数量和前几条）
        #[arg(long, short)]
        verbose: bool,
    },
    /// 边改边预览：在内存里生成网站（不动 dist/），在本机打开，每次保存后自动刷新已打开的页面。
    #[command(help_template = HELP, next_help_heading = "选项", override_usage = "qingdan serve [选项]")]
    Serve {
        /// 站点文件夹，即 site.toml 所在的文件夹（默认：当前文件夹）
        #[arg(
            long,
            default_value = ".",
            value_name = "文件夹",
            hide_default_value = true
        )]
        root: PathBuf,
        /// 端口（默认：1111，被占用时用下一个空闲的）
        #[arg(long, value_name = "端口")]
        port: Option<u16>,
        /// 监听的地址（默认：127.0.0.1，只有本机能看到预览）
        #[arg(
            long,
            default_value = "127.0.0.1",
            value_name = "地址",
            hide_default_value = true
        )]
        bind: std::net::IpAddr,
        /// 预览所用的网址路径，例如 /zwgk/lzqd/（默认：site.toml 的 base_path）
        #[arg(long, value_name = "路径")]
        base_path: Option<String>,
        /// 在浏览器中打开预览
        #[arg(long)]
        open: bool,
    },
    /// 检查全部内容，不写任何文件；列出所有错误、提示和统计。能通过检查的，build 就能生成。
    #[command(help_template = HELP, next_help_heading = "选项", override_usage = "qingdan check [选项]")]
    Check {
        /// 站点文件夹，即 site.toml 所在的文件夹（默认：当前文件夹）
        #[arg(
            long,
            default_value = ".",
            value_name = "文件夹",
            hide_default_value = true
        )]
        root: PathBuf,
    },
    /// 新建一个清单的下一个事项文件，格式按 check 的要求排好。
    #[command(help_template = HELP, next_help_heading = "选项", override_usage = "qingdan new <清单> [选项]")]
    New {
        /// 哪个清单：basic（基本）、cooperative（配合）或 revoked（收回）
        #[arg(value_name = "清单", help_heading = "参数")]
        list: String,
        /// 事项类别，须已登记在 content/categories.toml
        #[arg(long, value_name = "类别")]
        category: Option<String>,
        /// 事项名称
        #[arg(long, value_name = "名称")]
        title: Option<String>,
        /// 部门全称，须已登记在 content/departments.toml；多个部门就写多次
        #[arg(long = "department", value_name = "部门")]
        departments: Vec<String>,
        /// 站点文件夹，即 site.toml 所在的文件夹（默认：当前文件夹）
        #[arg(
            long,
            default_value = ".",
            value_name = "文件夹",
            hide_default_value = true
        )]
        root: PathBuf,
    },
    /// 把已发布的清单（从 PDF 提取的文字，或每张表一个 CSV 文件）导入 content/。
    #[command(help_template = HELP, next_help_heading = "选项", override_usage = "qingdan import <来源文件>... [选项]")]
    Import {
        /// 提取的文字，或带表头（序号、事项类别、事项名称……）的 CSV 文件
        #[arg(required = true, value_name = "来源文件", help_heading = "参数")]
        sources: Vec<PathBuf>,
        /// 事项文件和登记表写到哪个文件夹（默认：content）
        #[arg(
            long,
            default_value = "content",
            value_name = "文件夹",
            hide_default_value = true
        )]
        into: PathBuf,
        /// 核对记录文件：登记表和对损坏单元格的逐行判断
        #[arg(long, value_name = "文件")]
        reviewed: Option<PathBuf>,
        /// 同时把导入报告写到这个文件
        #[arg(long, value_name = "文件")]
        report: Option<PathBuf>,
        /// 覆盖已有的文件
        #[arg(long)]
        force: bool,
    },
    /// 显示帮助：qingdan help 或 qingdan help 命令（同 qingdan 命令 --help）。
    #[command(help_template = HELP, next_help_heading = "选项", override_usage = "qingdan help [命令]")]
    Help {
        /// 要查看说明的命令，例如 build
        #[arg(value_name = "命令", help_heading = "参数")]
        command: Option<String>,
    },
}

/// `--help`, `--version`, or a command line clap cannot read: said in
/// Chinese where [`usage_error::chinese`] knows the kind, else clap's own
/// message (in English: it has no Chinese) led by one line in Chinese.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    match usage_error::chinese(&e) {
        Some(msg) => {
            say_err!("错误 error: 命令写得不对：{msg}");
            if let Some(usage) = usage_error::usage(&e) {
                say_err!("    {usage}");
            }
            say_err!("    → 用 qingdan --help 或 qingdan help <命令> 查看中文用法");
        }
        None => {
            say_err!("错误 error: 命令写得不对（下面是英文的具体说明）。用 qingdan --help 查看中文用法。");
            let _ = e.print();
        }
    }
    ExitCode::from(2)
}

/// `qingdan help [COMMAND]`: the same text as `--help`.
fn help(command: Option<&str>) -> ExitCode {
    let mut cli = Cli::command();
    let shown = match command {
        None => cli.print_help(),
        Some(name) => match cli.find_subcommand_mut(name) {
            Some(sub) => sub.print_help(),
            None => {
                say_err!("错误 error: 没有命令 “{name}”。用 qingdan --help 查看全部命令。");
                return ExitCode::from(2);
            }
        },
    };
    match shown {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match cli.command {
        Command::Help { command } => help(command.as_deref()),
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
                    if let (true, Some(why)) = (verbose, &built.not_minified) {
                        say_err!("提示：主题模板不能预先压缩（{why}），页面逐页压缩，构建较慢。");
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

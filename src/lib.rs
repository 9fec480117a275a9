//! qingdan: a static site generator for Chinese township duty lists
//! (乡镇履职事项清单).
//!
//! The build is a pipeline, one module a stage:
//! [`config`] → [`content`] (load) → [`validate`] → [`model`] → [`render`]
//! and [`export`] → [`output`] (write). [`import`] turns a published list
//! into `content/`; [`scaffold`] writes a new matter file (`qingdan new`);
//! [`serve`] is the live preview (`qingdan serve`).

/// `println!` that never panics: `qingdan check | head -1` closes the pipe
/// early, and a build that has published, or a preview being stopped, must
/// not then fail over a message.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that never panics.
#[macro_export]
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod assets;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod export;
pub mod html;
pub mod import;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod text_file;
pub mod validate;

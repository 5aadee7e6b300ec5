//! The command line: `claimlens lsp`, `claimlens check`, over the same core
//! as the server.

mod check;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "claimlens",
    version,
    about = "Annotates a folder of news articles and transcripts: who is who, which claims repeat, which figures disagree."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the language server over stdio (for editors).
    Lsp,
    /// Annotate a corpus from the terminal: entities, repeated claims and
    /// figure conflicts. Exits 0 when nothing is flagged, 1 when a figure
    /// conflict is found, 2 on a usage or I/O error.
    Check(CheckArgs),
    /// Generate article collections and measure the server and the analysis
    /// core on them (`claimlens bench --help`).
    Bench(Box<crate::bench::BenchArgs>),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Folders or files to read (default: the current folder).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Which sections to print (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    show: Vec<Section>,
    /// Analyse every file afresh: neither read nor write the analysis cache
    /// (also `CLAIMLENS_CACHE=off`).
    #[arg(long)]
    no_cache: bool,
    /// Folder of the analysis cache (default: `CLAIMLENS_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/claimlens`, else `~/.cache/claimlens`); never inside
    /// the corpus.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Section {
    Entities,
    Claims,
    Conflicts,
}

/// Log to stderr; `CLAIMLENS_LOG` (or `RUST_LOG`) sets the filter.
pub fn init_logging(default: &str) {
    let filter = std::env::var("CLAIMLENS_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| default.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Lsp => {
            init_logging("claimlens=info");
            crate::lsp::run()
        }
        Command::Check(args) => {
            init_logging("claimlens=warn");
            check::run(&args)
        }
        Command::Bench(args) => {
            init_logging("claimlens=warn");
            crate::bench::run(&args)
        }
    }
}

//! `claimlens bench`: a corpus generator and a benchmark of the server and
//! the analysis core.
//!
//! - [`generate`]: deterministic article collections recombined from real
//!   texts (`claimlens bench generate`);
//! - [`lsp_client`]: a small LSP client over the stdio of a spawned
//!   `claimlens lsp`, timing every message it receives;
//! - [`measure`]: the measurements, over that connection and in process;
//! - [`memory`]: what an indexed corpus holds, by phase and by structure
//!   (`claimlens bench memory`);
//! - [`external`]: the optional outside reference (spaCy NER);
//! - [`report`]: the table, JSON and markdown.

pub mod cast;
pub mod external;
pub mod generate;
pub mod lsp_client;
pub mod measure;
pub mod memory;
pub mod report;
pub mod rng;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: Option<BenchCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Write a generated corpus to a folder.
    Generate(GenerateArgs),
    /// Index a corpus as the server's first indexing does and report the
    /// memory it holds after each phase and, at the end, by structure
    /// (needs jemalloc, the allocator of every non-MSVC build).
    Memory(memory::MemoryArgs),
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Number of articles.
    #[arg(long, default_value_t = 1000)]
    articles: usize,
    /// Seed: the same seed and sources give the same bytes.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Folder to write (created; must be empty or a corpus made by this command).
    #[arg(long)]
    out: PathBuf,
    /// Folders of real texts to recombine (default: the repository's corpus/
    /// and ../shared/corpus-real).
    #[arg(long = "sources", value_delimiter = ',')]
    sources: Vec<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Corpus sizes, in articles.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    pub sizes: Vec<usize>,
    /// Generator seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where generated corpora are kept between runs (reused when they match).
    #[arg(long, default_value = "target/bench")]
    pub work: PathBuf,
    /// Source folders for the generator (default: corpus/ and ../shared/corpus-real).
    #[arg(long = "sources", value_delimiter = ',')]
    pub sources: Vec<PathBuf>,
    /// Requests of each kind (hover, definition, references) to time.
    #[arg(long, default_value_t = 300)]
    pub requests: usize,
    /// Keystrokes (didChange) to time in the 36 KB transcript.
    #[arg(long, default_value_t = 200)]
    pub keystrokes: usize,
    /// Most bytes analysed in process for the throughput figures (a
    /// deterministic prefix of the corpus in path order).
    #[arg(long, default_value_t = 64 << 20)]
    pub inprocess_bytes: usize,
    /// Give up on the server after this many seconds per size.
    #[arg(long, default_value_t = 900)]
    pub timeout: u64,
    /// Outside reference to compare with (needs Python; see docs/benchmarks.md).
    #[arg(long, value_enum)]
    pub compare: Option<external::Reference>,
    /// Python interpreter with spaCy and en_core_web_sm installed.
    #[arg(long, default_value = "target/bench-venv/bin/python")]
    pub python: PathBuf,
    /// Bytes of text given to the outside reference (and to claimlens for the ratio).
    #[arg(long, default_value_t = 2 << 20)]
    pub compare_bytes: usize,
    /// Write the report as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the report as markdown (docs/benchmarks.md).
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// Server binary (default: this executable).
    #[arg(long)]
    pub server: Option<PathBuf>,
    /// Measure nothing: read a report written by `--json` and write it again
    /// (`--markdown`, `--json`) and print its table.
    #[arg(long)]
    pub from_json: Option<PathBuf>,
}

pub fn run(args: &BenchArgs) -> ExitCode {
    let res = match &args.command {
        Some(BenchCommand::Generate(g)) => generate_cmd(g),
        Some(BenchCommand::Memory(m)) => memory::run(m),
        None => measure::run(&args.run),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("claimlens bench: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn source_dirs(given: &[PathBuf]) -> Vec<PathBuf> {
    if given.is_empty() {
        generate::default_source_dirs()
    } else {
        given.to_vec()
    }
}

fn generate_cmd(a: &GenerateArgs) -> Result<(), String> {
    let t = Instant::now();
    let sources = generate::Sources::load(&source_dirs(&a.sources))?;
    let g = generate::Generator::new(sources, a.articles, a.seed);
    let m = g.write(&a.out)?;
    let s = &m.stats;
    eprintln!(
        "wrote {} articles ({:.1} MB, {} transcripts, {} stories) to {} in {:.1?}; \
         {} mentions ({} misspelt), {} quotes ({} paraphrased), {} figures ({} perturbed to conflict); \
         from {} source files ({} bytes)",
        s.articles,
        s.bytes as f64 / 1e6,
        s.transcripts,
        s.stories,
        a.out.display(),
        t.elapsed(),
        s.mentions,
        s.misspelt_mentions,
        s.quotes,
        s.paraphrased_quotes,
        s.figures,
        s.conflicting_figures,
        m.source_files,
        m.source_bytes
    );
    Ok(())
}

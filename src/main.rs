use std::process::ExitCode;

// Analysis allocates and frees many small strings and vectors on every core;
// jemalloc does that faster than the system allocator (see Cargo.toml).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    claimlens::cli::main()
}

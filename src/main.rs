use std::process::ExitCode;

fn main() -> ExitCode {
    claimlens::cli::main()
}

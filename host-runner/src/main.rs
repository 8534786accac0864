//! The `irqsuite` command; everything lives in the library.

fn main() -> std::process::ExitCode {
    irqsuite::cli::main()
}

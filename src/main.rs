#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    onboard::cli::main()
}

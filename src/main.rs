fn main() -> std::process::ExitCode {
    comply::cli::main()
}

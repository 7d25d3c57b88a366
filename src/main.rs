fn main() -> std::process::ExitCode {
    tlslens::cli::main()
}

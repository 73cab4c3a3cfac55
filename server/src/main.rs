fn main() -> std::process::ExitCode {
    users_server::cli::main()
}

//! The `trainability` command; all logic lives in the library (`cli` module).
fn main() {
    std::process::exit(relu_trainability::cli::main());
}

//! The GradBench tool binary: speaks the protocol on stdin/stdout (see `protocol`).

fn main() {
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    if let Err(e) = ad_gradbench::protocol::serve(stdin, stdout) {
        eprintln!("ad-gradbench: {e}");
        std::process::exit(1);
    }
}

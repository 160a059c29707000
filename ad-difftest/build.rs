//! Writes `OUT_DIR/programs.rs`: `AD_DIFFTEST_COUNT` random functions (default 400) generated
//! from `AD_DIFFTEST_SEED` (default 1); `AD_DIFFTEST_FEATURES` (e.g. `-calls,x_loops`) turns
//! constructs off or on.

#[allow(dead_code)]
#[path = "src/gen.rs"]
mod gen;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    println!("cargo:rerun-if-env-changed={name}");
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid number")),
        Err(_) => default,
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src/gen.rs");
    let seed = env_or("AD_DIFFTEST_SEED", 1u64);
    let count = env_or("AD_DIFFTEST_COUNT", 400usize);
    println!("cargo:rerun-if-env-changed=AD_DIFFTEST_FEATURES");
    let list = std::env::var("AD_DIFFTEST_FEATURES").unwrap_or_default();
    let features = gen::Features::default()
        .apply(&list)
        .unwrap_or_else(|e| panic!("AD_DIFFTEST_FEATURES: {e}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("programs.rs");
    std::fs::write(out, gen::programs_rs(seed, count, features)).unwrap();
}

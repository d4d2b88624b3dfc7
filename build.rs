//! Release binaries fold identical functions at link time (BENCHMARKS.md, "Binary size, second
//! pass"): the AWS SDK crates, compiled with little or no optimization to keep the build short,
//! hold thousands of identical builders, drops and deserializer arms (82.9 → 75.3 MB, 3 s of
//! link).
//! Rust promises no distinct addresses for functions, vtables or constants, and nothing here
//! compares a static's address, so folding is sound.
//!
//! Only where rustc links with its own LLD (x86_64 Linux, the default since Rust 1.90): not
//! every linker knows `--icf`. `SECDASH_NO_ICF=1` leaves it out, for a linker of one's own.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SECDASH_NO_ICF");
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    let target = std::env::var("TARGET").unwrap_or_default();
    let opted_out = std::env::var_os("SECDASH_NO_ICF").is_some_and(|v| v != "0");
    if release && target == "x86_64-unknown-linux-gnu" && !opted_out {
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
    }
}

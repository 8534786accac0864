//! Passes the linker script (`link.ld`: the load address and the section order the PVH entry
//! stub relies on).

use std::env;
use std::path::PathBuf;

fn main() {
    let dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo::rustc-link-search={}", dir.display());
    println!("cargo::rustc-link-arg-bins=-Tlink.ld");
    println!("cargo::rerun-if-changed=link.ld");
    println!("cargo::rerun-if-changed=build.rs");
}

//! Passes the linker scripts: aarch64-rt's `image.ld` (on the link search path through its own
//! build script), the load address (`memory.ld`) and the arm64 Image header (`head.ld`).

use std::env;
use std::path::PathBuf;

fn main() {
    let dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo::rustc-link-search={}", dir.display());
    println!("cargo::rustc-link-arg-bins=-Timage.ld");
    println!("cargo::rustc-link-arg-bins=-Tmemory.ld");
    println!("cargo::rustc-link-arg-bins=-Thead.ld");
    println!("cargo::rerun-if-changed=memory.ld");
    println!("cargo::rerun-if-changed=head.ld");
    println!("cargo::rerun-if-changed=build.rs");
}

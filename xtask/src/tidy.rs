//! House rules, enforced as a test (after rust-analyzer's `tidy`): every Rust file opens with a
//! `//!` doc, no ignored or should-panic tests, no todo/unimplemented stubs, and every
//! `unsafe` block has a `// SAFETY:` line right above it.

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    fn sources() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for top in [
            "guest-tests",
            "host-runner",
            "reference-vgic",
            "reference-vtd",
            "xtask",
        ] {
            rust_files(&root.join(top), &mut files);
        }
        assert!(files.len() > 20, "found only {} Rust files", files.len());
        files
            .into_iter()
            .map(|p| (p.clone(), fs::read_to_string(&p).unwrap()))
            .collect()
    }

    #[test]
    fn every_rust_file_opens_with_a_module_doc() {
        let missing: Vec<_> = sources()
            .into_iter()
            .filter(|(_, text)| !text.trim_start().starts_with("//!"))
            .map(|(p, _)| p)
            .collect();
        assert!(
            missing.is_empty(),
            "no `//!` doc at the top of: {missing:#?}"
        );
    }

    #[test]
    fn no_ignored_or_should_panic_tests_and_no_stubs() {
        // Spelled in pieces so that this file does not contain what it looks for.
        let banned = [
            concat!("#[", "ignore"),
            concat!("#[", "should_panic"),
            concat!("todo", "!("),
            concat!("unimplemented", "!("),
        ];
        for (path, text) in sources() {
            for word in banned {
                assert!(!text.contains(word), "{} contains {word}", path.display());
            }
        }
    }

    #[test]
    fn every_unsafe_block_has_a_safety_comment() {
        for (path, text) in sources()
            .into_iter()
            .filter(|(p, _)| !p.ends_with("tidy.rs"))
        {
            let lines: Vec<&str> = text.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if !code.contains("unsafe {") {
                    continue;
                }
                // Walk back to the start of the statement that holds the block, through any
                // comments and attributes above it.
                let documented = lines[..n]
                    .iter()
                    .rev()
                    .map(|l| l.trim())
                    .take_while(|t| {
                        t.starts_with("//")
                            || !(t.ends_with(';') || t.ends_with('}') || t.ends_with('{'))
                    })
                    .any(|t| t.contains("SAFETY:"));
                let inline = line.contains("SAFETY:");
                assert!(
                    documented || inline,
                    "{}:{}: unsafe block without `// SAFETY:`",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}

//! Writing result files atomically: a reader sees the old file or the new one, never half of
//! one (DESIGN.md, "Reliability").

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Writes `contents` to `path` atomically (a temporary file in the same folder, then a rename),
/// creating the folder.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("result path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()
    })();
    match written.and_then(|()| fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Replaces folder `dir` by one holding exactly `files` (name, contents), as one unit: the new
/// folder is written beside it and renamed into place, so a reader (or a crash, or a full disk)
/// sees the old set or the new one, never a mix; a file of the old set that the new one lacks
/// (an old `console.log`) does not survive.
pub fn write_folder(dir: &Path, files: &[(&str, &[u8])]) -> io::Result<()> {
    let parent = dir
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .ok_or_else(|| io::Error::other("result folder has no name"))?
        .to_string_lossy()
        .into_owned();
    let pid = std::process::id();
    let fresh = parent.join(format!(".{name}.{pid}.new"));
    let old = parent.join(format!(".{name}.{pid}.old"));
    let _ = fs::remove_dir_all(&fresh);
    let written = (|| {
        fs::create_dir_all(&fresh)?;
        for (file, contents) in files {
            let mut f = fs::File::create(fresh.join(file))?;
            f.write_all(contents)?;
            f.sync_all()?;
        }
        let had_old = dir.exists();
        if had_old {
            fs::rename(dir, &old)?;
        }
        match fs::rename(&fresh, dir) {
            Ok(()) => Ok(had_old),
            Err(e) => {
                // Put the old set back: the new one never appears half-way.
                if had_old {
                    let _ = fs::rename(&old, dir);
                }
                Err(e)
            }
        }
    })();
    match written {
        Ok(had_old) => {
            if had_old {
                let _ = fs::remove_dir_all(&old);
            }
            Ok(())
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&fresh);
            Err(e)
        }
    }
}

/// Whether a report can be written at `path`: it is not a folder, and its nearest existing
/// folder is a folder we can write in (missing folders below it are created when it is
/// written). Checked before anything boots, so a bad path is a usage error, not a lost run.
pub fn check_writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("{} is a folder, not a file", path.display()));
    }
    let existing = path
        .ancestors()
        .skip(1)
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .find(|d| d.exists())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        return Err(format!(
            "{}: {} is not a folder",
            path.display(),
            existing.display()
        ));
    }
    let probe = existing.join(format!(".irqsuite-probe.{}", std::process::id()));
    fs::write(&probe, b"")
        .and_then(|()| fs::remove_file(&probe))
        .map_err(|e| {
            format!(
                "{}: cannot write in {}: {e}",
                path.display(),
                existing.display()
            )
        })
}

/// The name of the lock file a run holds in the results folder it writes into.
pub const LOCK_FILE: &str = ".irqsuite.lock";

/// A results folder held by this run: no other run writes into it until this is dropped (the
/// lock is the operating system's, so it ends with the process, however that ends).
#[derive(Debug)]
pub struct FolderLock {
    _file: fs::File,
}

/// Takes `dir` for this run (creating it), or says which run holds it. Taken before anything
/// boots, so a second run into one folder stops at once instead of mixing its files with the
/// first's.
pub fn lock(dir: &Path) -> Result<FolderLock, String> {
    let why = |e: io::Error| format!("cannot lock {}: {e}", dir.display());
    fs::create_dir_all(dir).map_err(why)?;
    let path = dir.join(LOCK_FILE);
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(why)?;
    match file.try_lock() {
        Ok(()) => {
            // Who holds it, for the message a second run prints.
            let _ = file.set_len(0);
            let _ = writeln!(file, "{}", std::process::id());
            Ok(FolderLock { _file: file })
        }
        Err(fs::TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (process {pid})"),
            };
            Err(format!(
                "another irqsuite run is writing into {}{holder}: wait for it to end, or give \
                 this one --results DIR",
                dir.display()
            ))
        }
        Err(fs::TryLockError::Error(e)) => Err(why(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_results_folder_held_by_one_run_is_refused_to_another_until_it_ends() {
        let dir = std::env::temp_dir().join(format!("irqsuite-lock-{}", std::process::id()));
        let first = lock(&dir).expect("the folder is free");
        let refused = lock(&dir).expect_err("held by the first");
        assert!(
            refused.contains("another irqsuite run is writing into"),
            "{refused}"
        );
        assert!(
            refused.contains(&std::process::id().to_string()),
            "{refused}"
        );
        drop(first);
        let again = lock(&dir).expect("free once the first ends");
        drop(again);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_is_replaced_as_one_set_and_an_old_file_does_not_survive() {
        let base = std::env::temp_dir().join(format!("irqsuite-folder-{}", std::process::id()));
        let dir = base.join("qemu-tcg/gicv3");
        write_folder(
            &dir,
            &[("results.json", b"old"), ("console.log", b"old log")],
        )
        .unwrap();
        write_folder(&dir, &[("results.json", b"new")]).unwrap();
        let names: Vec<String> = fs::read_dir(base.join("qemu-tcg"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let json = fs::read(dir.join("results.json")).unwrap();
        let log = dir.join("console.log").exists();
        fs::remove_dir_all(&base).unwrap();
        assert_eq!(json, b"new");
        assert!(!log, "the old console.log went with the old set");
        assert_eq!(names, ["gicv3"], "no temporary left beside it");
    }

    #[test]
    fn a_report_path_that_is_a_folder_or_under_a_file_cannot_be_written() {
        let tmp = std::env::temp_dir();
        assert!(check_writable(&tmp).unwrap_err().contains("is a folder"));
        let file = tmp.join(format!("irqsuite-report-{}.json", std::process::id()));
        fs::write(&file, b"").unwrap();
        let under_a_file = check_writable(&file.join("x.json"));
        fs::remove_file(&file).unwrap();
        assert!(under_a_file.unwrap_err().contains("is not a folder"));
        assert!(check_writable(&tmp.join("irqsuite-not-yet/made/x.json")).is_ok());
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("irqsuite-results-{}", std::process::id()));
        let path = dir.join("sub/r.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["r.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn failed_write_leaves_the_old_file() {
        let dir = std::env::temp_dir().join(format!("irqsuite-results-ro-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("r.json");
        write_atomic(&path, b"old").unwrap();
        // A folder where the file should go cannot be replaced by a rename.
        let blocked = dir.join("blocked");
        fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(write_atomic(&blocked, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        fs::remove_dir_all(&dir).unwrap();
    }
}

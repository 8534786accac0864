//! The xen-dom0less backend end to end: the `irqsuite` command boots Xen 4.17 under QEMU for
//! `gicv2` and `gicv3`, one boot per target, and every case gets its outcome pinned in the
//! snapshot, with the committed baseline of Xen's known departures applied (they show as
//! `waived`). The per-boot device trees are gone once their run has ended. Ignored where Xen, dtc or QEMU is
//! missing; failed instead when `IRQSUITE_REQUIRE=1` (CI).

mod e2e;

use libtest_mimic::Failed;

/// The per-boot folders (`<target>-<pid>-<run>`) that runs no longer running left in the
/// backend's cache.
fn leftovers() -> Vec<String> {
    let tmp = irqsuite::backend::xen::cache_dir().join("tmp");
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return vec![];
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let pid = n.rsplit('-').nth(1).unwrap_or_default();
            !std::path::Path::new("/proc").join(pid).exists()
        })
        .collect()
}

fn whole_catalogue_one_boot_per_target() -> Result<(), Failed> {
    let run = e2e::run("xen-dom0less")?;
    let left = leftovers();
    if !left.is_empty() {
        return Err(format!("temporary folders left behind: {left:?}").into());
    }
    run.judged_logs_match()?;
    run.pin("xen_dom0less_outcomes")
}

/// A Xen Image built elsewhere (here: the 4.20 package's, copied out of irqsuite's cache) runs
/// as the user's build `xen-dom0less@mine`, and the reports say so: origin `user`, the path and
/// its SHA-256, and the version the hypervisor printed.
fn a_users_xen_image_runs_and_its_provenance_says_so() -> Result<(), Failed> {
    let stock = irqsuite::backend::select(irqsuite::backend::all(), "xen-dom0less@4.20");
    let xen = stock
        .first()
        .and_then(|b| irqsuite::build::xen::image(&irqsuite::workspace_root(), b.build()?))
        .ok_or("no Xen 4.20 image")?;
    let dir = std::env::temp_dir().join(format!("irqsuite-user-xen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mine = dir.join("xen");
    std::fs::copy(&xen, &mine)?;
    let json = dir.join("run.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .arg("run")
        .arg("--build")
        .arg(format!("xen-dom0less@mine={}", mine.display()))
        .args(["--target", "gicv2", "--filter", "gic.typer-*", "--require"])
        .arg("--results")
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("irqsuite run failed ({}):\n{stdout}", out.status).into());
    }
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json)?)?;
    let run = &doc["runs"][0];
    let provenance = &run["provenance"];
    let checks = [
        (run["build"] == "mine", "build"),
        (provenance["build"]["origin"] == "user", "origin"),
        (
            provenance["build"]["from"] == mine.display().to_string().as_str(),
            "from",
        ),
        (
            provenance["build"]["sha256"]
                .as_str()
                .is_some_and(|h| h.len() == 64),
            "sha256",
        ),
        (
            provenance["hypervisor"]
                .as_str()
                .is_some_and(|h| h.starts_with("Xen version 4.20")),
            "printed",
        ),
        (
            dir.join("results/xen-dom0less@mine/gicv2/results.json")
                .is_file(),
            "results folder",
        ),
    ];
    std::fs::remove_dir_all(&dir)?;
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, what)) => Err(format!("{what} wrong: {provenance}").into()),
        None => Ok(()),
    }
}

fn main() {
    e2e::main_with(
        "xen-dom0less",
        &[
            (
                "xen-dom0less/whole-catalogue-one-boot-per-target",
                whole_catalogue_one_boot_per_target,
            ),
            (
                "xen-dom0less/a-users-xen-image-runs-and-its-provenance-says-so",
                a_users_xen_image_runs_and_its_provenance_says_so,
            ),
        ],
    )
}

//! The xen-dom0less backend end to end: the `irqsuite` command boots Xen 4.17 under QEMU for
//! `gicv2` and `gicv3`, one boot per target, and every case gets its outcome pinned in the
//! snapshot, with the committed baseline of Xen's known departures applied (they show as
//! `waived`). The per-boot device trees are gone once their run has ended. Ignored where Xen, dtc or QEMU is
//! missing; failed instead when `IRQSUITE_REQUIRE=1` (CI).

mod e2e;

use irqsuite::backend::xen::XenDom0less;
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
    run.pin("xen_dom0less_outcomes")
}

fn main() {
    e2e::main(
        "xen-dom0less/whole-catalogue-one-boot-per-target",
        &XenDom0less,
        whole_catalogue_one_boot_per_target,
    )
}

//! The qemu-tcg backend end to end: the `irqsuite` command boots real QEMU for every target, one
//! boot per target, and every case gets its outcome pinned in the snapshot, with the committed
//! baseline of QEMU's known departures applied (they show as `waived`). Ignored where QEMU is
//! missing; failed instead when `IRQSUITE_REQUIRE=1` (CI).

mod e2e;

use libtest_mimic::Failed;

fn whole_catalogue_one_boot_per_target() -> Result<(), Failed> {
    e2e::run("qemu-tcg")?.pin("qemu_tcg_outcomes")
}

fn main() {
    e2e::main(
        "qemu-tcg/whole-catalogue-one-boot-per-target",
        "qemu-tcg",
        whole_catalogue_one_boot_per_target,
    )
}

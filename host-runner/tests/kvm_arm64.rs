//! The kvm-arm64 backend end to end: the `irqsuite` command boots Debian's arm64 kernel at EL2
//! under QEMU with the VMM as `/init`, once per target (`gicv2`, `gicv3`, `gicv3-its`); the VMM
//! serves the guest's line and MSI requests through KVM; every case gets its outcome pinned in
//! the snapshot, with the committed baseline of KVM's known departures applied (they show as
//! `waived`). Ignored where QEMU or the kernel is missing; failed instead when
//! `IRQSUITE_REQUIRE=1` (CI).

mod e2e;

use libtest_mimic::Failed;

fn whole_catalogue_one_kernel_boot_per_target() -> Result<(), Failed> {
    e2e::run("kvm-arm64")?.pin("kvm_arm64_outcomes")
}

fn main() {
    e2e::main(
        "kvm-arm64/whole-catalogue-one-kernel-boot-per-target",
        "kvm-arm64",
        whole_catalogue_one_kernel_boot_per_target,
    )
}

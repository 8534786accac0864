//! The kvm-x86 backend end to end: the `irqsuite` command boots Debian's amd64 kernel under
//! QEMU TCG (an emulated AMD CPU with SVM) with the VMM as `/init`, which runs a VM per target
//! in that one kernel boot: `irqchip` (KVM's local APICs and IOAPIC) and `split` (KVM's local
//! APICs, the VMM's IOAPIC); the VMM serves the guest's line and MSI requests through KVM.
//! Every case gets its outcome pinned in the snapshot, with the committed baseline of KVM's
//! known departures applied (they show as `waived`). Ignored where QEMU or the kernel is
//! missing; failed instead when `IRQSUITE_REQUIRE=1` (CI). The boot machinery itself (the VMM's
//! watchdog, requests served on both targets) is `kvm_x86_machinery.rs`.

mod e2e;

use libtest_mimic::Failed;

fn whole_catalogue_one_kernel_boot_for_both_targets() -> Result<(), Failed> {
    e2e::run("kvm-x86")?.pin("kvm_x86_outcomes")
}

fn main() {
    e2e::main(
        "kvm-x86/whole-catalogue-one-kernel-boot-for-both-targets",
        "kvm-x86",
        whole_catalogue_one_kernel_boot_for_both_targets,
    )
}

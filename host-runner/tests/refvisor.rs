//! The refvisor backend end to end: the `irqsuite` command builds refvisor and boots it under
//! real QEMU for `gicv2`, `gicv2-lr1`, `gicv3` and `gicv3-lr1`, one boot per target, and every
//! case gets the outcome pinned in the snapshot (a change of outcome is a reviewed snapshot
//! change, never silent), with the committed baseline of the emulated hardware's known
//! departures applied (they show as `waived`). Every case carries refvisor's list-register
//! trace as its `lr` property; with one list register the ap_list overflows and maintenance
//! interrupts arrive. Ignored where QEMU is missing; failed instead when
//! `IRQSUITE_REQUIRE=1` (CI).

mod e2e;

use libtest_mimic::Failed;

fn whole_catalogue_one_boot_per_target() -> Result<(), Failed> {
    let run = e2e::run("refvisor")?;
    for target in run.runs()? {
        lr_trace_is_reported(target, target["target"].as_str().unwrap_or("?"))?;
    }
    run.pin("refvisor_outcomes")
}

/// Every case of the target carries refvisor's list-register trace as its `lr` property, and
/// on a one-register target the ap_list overflowed and maintenance interrupts arrived.
fn lr_trace_is_reported(run: &serde_json::Value, target: &str) -> Result<(), Failed> {
    let traces: Vec<&str> = run["cases"]
        .as_array()
        .ok_or("no cases")?
        .iter()
        .filter_map(|c| c["properties"]["lr"].as_str())
        .collect();
    if traces.len() != irq_cases::CATALOGUE.len() {
        return Err(format!(
            "{target}: {} cases with an lr trace, expected all",
            traces.len()
        )
        .into());
    }
    let sum = |key: &str| -> u64 {
        traces
            .iter()
            .flat_map(|l| l.split_whitespace())
            .filter_map(|w| w.strip_prefix(key)?.parse::<u64>().ok())
            .sum()
    };
    if sum("flush=") == 0 {
        return Err(format!("{target}: no flush at all").into());
    }
    if target.ends_with("-lr1") && (sum("overflow=") == 0 || sum("mi=") == 0) {
        return Err(format!("{target}: one list register but no overflow or maintenance").into());
    }
    Ok(())
}

fn main() {
    e2e::main(
        "refvisor/whole-catalogue-one-boot-per-target",
        "refvisor",
        whole_catalogue_one_boot_per_target,
    )
}

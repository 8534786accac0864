//! Properties of the ITS command queue over random command sequences (proptest: failures
//! shrink to a minimal sequence and are replayable): the model never panics, GITS_CREADR stays
//! a command-aligned offset inside the queue, and it never passes GITS_CWRITER: after each
//! GITS_CWRITER write it equals CWRITER unless the queue stalled on an error between the two.

mod common;

use common::its::*;
use common::*;
use proptest::prelude::*;
use reference_vgic::{CommandErrorChoice, CpuId, FIRST_LPI, Frame, ItsConfig, Sysreg};

const QUEUE_BYTES: u64 = 4096;

#[derive(Debug, Clone)]
enum Op {
    /// Queue these commands and publish them.
    Cmds(Vec<[u64; 4]>),
    /// A raw GITS_CWRITER write (offset and Retry bit, maybe out of range).
    Cwriter(u64),
    /// GITS_CTLR.Enabled.
    Enable(bool),
    /// A device MSI.
    Translate(u32, u32),
    /// Acknowledge then EOI on a CPU.
    AckEoi(u8),
}

fn command() -> impl Strategy<Value = [u64; 4]> {
    let dev = 0u32..5;
    let ev = 0u32..10;
    let intid = prop_oneof![FIRST_LPI..FIRST_LPI + 8, any::<u32>()];
    let icid = prop_oneof![0u16..4, Just(20u16), any::<u16>()];
    let rd = prop_oneof![0u64..3, any::<u64>()];
    prop_oneof![
        (dev.clone(), 0u8..20, any::<bool>()).prop_map(|(d, s, v)| mapd(d, s, itt(d), v)),
        (icid.clone(), rd.clone(), any::<bool>()).prop_map(|(c, r, v)| mapc(c, r & 0xf_ffff, v)),
        (dev.clone(), ev.clone(), intid, icid.clone()).prop_map(|(d, e, i, c)| mapti(d, e, i, c)),
        (dev.clone(), ev.clone(), icid.clone()).prop_map(|(d, e, c)| mapi(d, e, c)),
        (dev.clone(), ev.clone()).prop_map(|(d, e)| int(d, e)),
        (dev.clone(), ev.clone()).prop_map(|(d, e)| clear(d, e)),
        (dev.clone(), ev.clone()).prop_map(|(d, e)| discard(d, e)),
        (dev.clone(), ev.clone()).prop_map(|(d, e)| inv(d, e)),
        (dev, ev, icid.clone()).prop_map(|(d, e, c)| movi(d, e, c)),
        icid.prop_map(invall),
        (rd.clone(), rd.clone()).prop_map(|(a, b)| movall(a & 0xf_ffff, b & 0xf_ffff)),
        rd.prop_map(|r| sync(r & 0xf_ffff)),
        any::<[u64; 4]>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => prop::collection::vec(command(), 1..6).prop_map(Op::Cmds),
        1 => any::<u64>().prop_map(Op::Cwriter),
        1 => any::<bool>().prop_map(Op::Enable),
        2 => (0u32..5, 0u32..10).prop_map(|(d, e)| Op::Translate(d, e)),
        2 => (0u8..3).prop_map(Op::AckEoi),
    ]
}

/// Distance from `from` to `to` going forward around the queue.
fn ahead(from: u64, to: u64) -> u64 {
    (to + QUEUE_BYTES - from) % QUEUE_BYTES
}

proptest! {
    #[test]
    fn random_command_sequences_never_panic_and_creadr_never_passes_cwriter(
        stall in any::<bool>(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let its = ItsConfig {
            command_error: if stall { CommandErrorChoice::Stall } else { CommandErrorChoice::Ignore },
            device_bits: 3,
            ..ItsConfig::default()
        };
        let mut r = Rig::with(2, its, |_| {});
        for op in ops {
            let before = r.creadr() & !1;
            match op {
                Op::Cmds(cmds) => r.cmds(&cmds),
                Op::Cwriter(v) => r.g.mmio_write(C0, Frame::Its, GITS_CWRITER, 8, v),
                Op::Enable(on) => r.g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, u64::from(on)),
                Op::Translate(d, e) => {
                    let _ = r.g.its_translate(d, e);
                }
                Op::AckEoi(c) => {
                    let id = r.ack(CpuId(c));
                    r.g.sysreg_write(CpuId(c), Sysreg::Eoir1, id.into());
                }
            }
            let creadr = r.creadr();
            let (offset, stalled) = (creadr & !1, creadr & 1 != 0);
            let cwriter = r.cwriter();
            let enabled = r.g.mmio_read(C0, Frame::Its, GITS_CTLR, 4) & 1 != 0;
            prop_assert!(offset < QUEUE_BYTES && offset.is_multiple_of(32), "CREADR {creadr:#x}");
            prop_assert!(cwriter < QUEUE_BYTES && cwriter.is_multiple_of(32), "CWRITER {cwriter:#x}");
            prop_assert!(ahead(before, offset) <= ahead(before, cwriter),
                "CREADR moved from {before:#x} past CWRITER {cwriter:#x} to {offset:#x}");
            if enabled && !stalled {
                prop_assert_eq!(offset, cwriter, "an enabled, unstalled ITS drains its queue");
            }
            prop_assert!(!stalled || stall, "only the Stall choice stalls");
            for e in r.g.take_its_errors() {
                prop_assert!(reference_vgic::allowed_command_error_choices(e.error).contains(&e.choice));
            }
        }
    }
}

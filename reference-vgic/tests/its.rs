//! The GICv3 ITS and LPIs (IHI 0069H "Locality-specific Peripheral Interrupts and the ITS",
//! §12.11 GICR LPI registers, §12.19 GITS registers), driven through MMIO, system registers
//! and guest memory only.

mod common;

use common::its::*;
use common::*;
use reference_vgic::{
    CommandErrorChoice, CpuId, FIRST_LPI, Frame, GicConfig, ItsConfig, ItsError, Sysreg, Version,
    allowed_command_error_choices,
};

const L0: u32 = FIRST_LPI;
const L1: u32 = FIRST_LPI + 1;
const L2: u32 = FIRST_LPI + 2;
const SPURIOUS: u32 = 1023;

#[test]
fn mapti_then_int_makes_the_lpi_pending_on_the_mapped_collection() {
    let mut r = Rig::new(2);
    r.map(1, 5, L0, 3, 1);
    r.cmds(&[int(1, 5)]);
    assert!(r.g.lpi_is_pending(C1, L0));
    assert!(!r.g.lpi_is_pending(C0, L0));
    assert_eq!(r.hppi(C0), SPURIOUS);
    assert_eq!(r.ack(C1), L0);
    assert!(r.g.take_its_errors().is_empty());
}

#[test]
fn translater_write_from_device_delivers_lpi() {
    let mut r = Rig::new(1);
    r.map(7, 2, L1, 0, 0);
    assert_eq!(r.g.its_translate(7, 2), Ok(()));
    assert_eq!(r.ack(C0), L1);
    assert_eq!(
        r.g.its_translate(7, 3),
        Err(ItsError::TranslationUnmappedInterrupt)
    );
    assert_eq!(
        r.g.its_translate(8, 2),
        Err(ItsError::TranslationUnmappedDevice)
    );
    assert_eq!(r.hppi(C0), SPURIOUS);
}

#[test]
fn translater_mmio_write_from_a_cpu_uses_the_configured_device_id() {
    let its = ItsConfig {
        cpu_device_id: 9,
        ..ItsConfig::default()
    };
    let mut r = Rig::with(1, its, |_| {});
    r.map(9, 4, L2, 0, 0);
    r.g.mmio_write(C0, Frame::Its, GITS_TRANSLATER, 4, 4);
    assert_eq!(r.ack(C0), L2);
    assert_eq!(r.g.mmio_read(C0, Frame::Its, GITS_TRANSLATER, 4), 0);
}

#[test]
fn movi_moves_a_pending_lpi_to_the_new_redistributor() {
    let mut r = Rig::new(2);
    r.map(1, 0, L0, 0, 0);
    r.cmds(&[mapc(1, 1, true), int(1, 0)]);
    assert!(r.g.lpi_is_pending(C0, L0));
    r.cmds(&[movi(1, 0, 1)]);
    assert!(r.g.lpi_is_pending(C1, L0), "pending on the new target");
    assert!(!r.g.lpi_is_pending(C0, L0), "and no longer on the old one");
    assert_eq!(r.hppi(C0), SPURIOUS);
    assert_eq!(r.ack(C1), L0);
    // The mapping moved too: the next event lands on CPU 1.
    r.cmds(&[int(1, 0)]);
    assert!(r.g.lpi_is_pending(C1, L0));
    assert!(!r.g.lpi_is_pending(C0, L0));
}

#[test]
fn movi_of_a_not_pending_lpi_pends_nothing() {
    let mut r = Rig::new(2);
    r.map(1, 0, L0, 0, 0);
    r.cmds(&[mapc(1, 1, true), movi(1, 0, 1)]);
    assert!(!r.g.lpi_is_pending(C0, L0));
    assert!(!r.g.lpi_is_pending(C1, L0));
}

#[test]
fn movall_moves_every_pending_lpi() {
    let mut r = Rig::new(2);
    r.map(1, 0, L0, 0, 0);
    r.lpi(L1, LPI_PRIO, true);
    r.cmds(&[mapti(1, 1, L1, 0), int(1, 0), int(1, 1), movall(0, 1)]);
    for l in [L0, L1] {
        assert!(r.g.lpi_is_pending(C1, l), "{l} on CPU 1");
        assert!(!r.g.lpi_is_pending(C0, l), "{l} not on CPU 0");
    }
    assert_eq!(r.ack(C1), L0);
    r.g.sysreg_write(C1, Sysreg::Eoir1, L0.into());
    assert_eq!(r.ack(C1), L1);
}

#[test]
fn discard_removes_mapping_and_pending_state() {
    let mut r = Rig::new(1);
    r.map(1, 0, L0, 0, 0);
    r.cmds(&[int(1, 0), discard(1, 0)]);
    assert!(!r.g.lpi_is_pending(C0, L0));
    assert_eq!(
        r.g.its_translate(1, 0),
        Err(ItsError::TranslationUnmappedInterrupt)
    );
    r.cmds(&[int(1, 0)]);
    let errors = r.g.take_its_errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error, ItsError::IntUnmappedInterrupt);
    assert_eq!(errors[0].error.encoding(), Some(0x01_03_07));
}

#[test]
fn clear_clears_pending_without_unmapping() {
    let mut r = Rig::new(1);
    r.map(1, 0, L0, 0, 0);
    r.cmds(&[int(1, 0), clear(1, 0)]);
    assert!(!r.g.lpi_is_pending(C0, L0));
    assert_eq!(r.hppi(C0), SPURIOUS);
    assert_eq!(r.g.its_translate(1, 0), Ok(()));
    assert_eq!(r.ack(C0), L0);
}

#[test]
fn inv_makes_a_config_change_visible() {
    let mut r = Rig::new(1);
    r.map(1, 0, L0, 0, 0);
    r.cmds(&[int(1, 0)]);
    assert_eq!(r.hppi(C0), L0);
    // Disable it in the table: the cached configuration still says enabled (irqsuite's
    // choice; seeing the change earlier is also allowed).
    r.lpi(L0, LPI_PRIO, false);
    assert_eq!(r.hppi(C0), L0);
    r.cmds(&[inv(1, 0)]);
    assert_eq!(r.hppi(C0), SPURIOUS);
    assert!(r.g.lpi_is_pending(C0, L0), "disabled, still pending");
    r.lpi(L0, LPI_PRIO, true);
    r.cmds(&[invall(0)]);
    assert_eq!(r.ack(C0), L0);
}

#[test]
fn disabled_lpi_in_config_table_is_not_delivered() {
    let mut r = Rig::new(1);
    r.map(1, 0, L0, 0, 0);
    r.lpi(L0, LPI_PRIO, false);
    r.cmds(&[int(1, 0)]);
    assert!(r.g.lpi_is_pending(C0, L0));
    assert_eq!(r.hppi(C0), SPURIOUS);
    assert_eq!(r.ack(C0), SPURIOUS);
}

#[test]
fn lpi_priority_comes_from_the_config_byte_and_competes_with_spis() {
    let mut r = Rig::new(1);
    r.map(1, 0, L0, 0, 0);
    r.lpi(L0, 0x40, true);
    v3_spi(&mut r.g, 40, 0x80);
    set_pending(&mut r.g, 40);
    r.cmds(&[int(1, 0)]);
    assert_eq!(r.ack(C0), L0, "0x40 beats 0x80");
    assert_eq!(r.g.sysreg_read(C0, Sysreg::Rpr), 0x40);
    // The SPI (0x80) cannot preempt the running LPI (0x40).
    assert_eq!(r.ack(C0), SPURIOUS);
    r.g.sysreg_write(C0, Sysreg::Eoir1, L0.into());
    assert_eq!(r.ack(C0), 40);
}

#[test]
fn lpi_has_no_active_state_and_eoi_drops_priority() {
    let mut r = Rig::new(1);
    r.map(1, 0, L0, 0, 0);
    r.cmds(&[int(1, 0)]);
    assert_eq!(r.ack(C0), L0);
    assert!(
        !r.g.lpi_is_pending(C0, L0),
        "pending -> inactive on acknowledge"
    );
    assert_eq!(r.g.sysreg_read(C0, Sysreg::Rpr), u64::from(LPI_PRIO));
    // A new event while the first is being handled is pending again (no active state to
    // hold it back), but cannot preempt its own priority.
    r.cmds(&[int(1, 0)]);
    assert_eq!(r.hppi(C0), L0);
    assert_eq!(r.ack(C0), SPURIOUS);
    r.g.sysreg_write(C0, Sysreg::Eoir1, L0.into());
    assert_eq!(r.g.sysreg_read(C0, Sysreg::Rpr), 0xff);
    assert_eq!(r.ack(C0), L0);
}

#[test]
fn enable_lpis_reads_preset_pending_bits() {
    let n = L2 + 13;
    let mut r = Rig::with(2, ItsConfig::default(), |g| {
        let byte = pend_table(1) + u64::from(n / 8);
        g.memory_mut().write(byte, &[1 << (n % 8)]).unwrap();
        // INTIDs below 8192 (the first KiB) are not LPIs.
        g.memory_mut().write(pend_table(1), &[0xff]).unwrap();
    });
    assert!(r.g.lpi_is_pending(C1, n));
    assert!(!r.g.lpi_is_pending(C1, 0));
    assert!(!r.g.lpi_is_pending(C0, n));
    // Its configuration was read at enable time: priority 0, disabled.
    assert_eq!(r.hppi(C1), SPURIOUS);
    r.lpi(n, LPI_PRIO, true);
    r.map(1, 0, n, 0, 1);
    r.cmds(&[inv(1, 0)]);
    assert_eq!(r.ack(CpuId(1)), n);
}

#[test]
fn enable_lpis_with_ptz_ignores_the_pending_table() {
    let n = L0 + 100;
    let r = Rig::with(1, ItsConfig::default(), |g| {
        g.memory_mut()
            .write(pend_table(0) + u64::from(n / 8), &[0xff])
            .unwrap();
        let pend = Frame::Redistributor(C0);
        g.mmio_write(C0, pend, GICR_PENDBASER, 8, pend_table(0) | 1 << 62);
        assert_eq!(
            g.mmio_read(C0, pend, GICR_PENDBASER, 8),
            pend_table(0),
            "PTZ reads 0"
        );
    });
    assert!(!r.g.lpi_is_pending(C0, n));
}

#[test]
fn enable_lpis_is_one_way_and_freezes_the_table_registers() {
    let mut r = Rig::new(1);
    let rd = Frame::Redistributor(C0);
    r.g.mmio_write(C0, rd, GICR_CTLR, 4, 0);
    assert_eq!(
        r.g.mmio_read(C0, rd, GICR_CTLR, 4),
        1,
        "EnableLPIs stays 1, CES 0"
    );
    r.g.mmio_write(C0, rd, GICR_PROPBASER, 8, 0);
    assert_eq!(r.g.mmio_read(C0, rd, GICR_PROPBASER, 8), PROP_TABLE | 15);
    r.g.mmio_write(C0, rd, GICR_PENDBASER, 4, 0);
    assert_eq!(r.g.mmio_read(C0, rd, GICR_PENDBASER, 8), pend_table(0));
}

#[test]
fn clearable_enable_lpis_reads_the_pending_table_again_when_set_again() {
    let n = L2 + 21;
    let config = GicConfig::new(Version::V3, 1, 2, 5)
        .with_its(ItsConfig::default())
        .with_clearable_enable_lpis();
    let mut g = reference_vgic::Gic::new(config);
    let rd = Frame::Redistributor(C0);
    g.mmio_write(C0, rd, GICR_PROPBASER, 8, PROP_TABLE | 15);
    g.mmio_write(C0, rd, GICR_PENDBASER, 8, pend_table(0));
    g.mmio_write(C0, rd, GICR_CTLR, 4, 1);
    assert_eq!(
        g.mmio_read(C0, rd, GICR_CTLR, 4),
        0b11,
        "EnableLPIs and CES"
    );
    assert!(!g.lpi_is_pending(C0, n));
    g.mmio_write(C0, rd, GICR_CTLR, 4, 0);
    assert_eq!(
        g.mmio_read(C0, rd, GICR_CTLR, 4),
        0b10,
        "EnableLPIs cleared"
    );
    let byte = pend_table(0) + u64::from(n / 8);
    g.memory_mut().write(byte, &[1 << (n % 8)]).unwrap();
    g.mmio_write(C0, rd, GICR_CTLR, 4, 1);
    assert!(
        g.lpi_is_pending(C0, n),
        "the pre-set bit is read at the second enable"
    );
}

#[test]
fn lpis_to_a_redistributor_with_lpis_disabled_are_dropped() {
    let config = GicConfig::new(Version::V3, 2, 2, 5).with_its(ItsConfig::default());
    let mut r = Rig {
        g: reference_vgic::Gic::new(config),
    };
    for c in [C0, C1] {
        v3_enable(&mut r.g, c);
        r.g.mmio_write(
            C0,
            Frame::Redistributor(c),
            GICR_PROPBASER,
            8,
            PROP_TABLE | 15,
        );
    }
    // Only CPU 0 enables LPIs.
    r.g.mmio_write(C0, Frame::Redistributor(C0), GICR_CTLR, 4, 1);
    r.g.mmio_write(C0, Frame::Its, GITS_BASER0, 8, DEVICE_TABLE | 1 << 63);
    r.g.mmio_write(C0, Frame::Its, GITS_BASER1, 8, COLLECTION_TABLE | 1 << 63);
    r.g.mmio_write(C0, Frame::Its, GITS_CBASER, 8, QUEUE | 1 << 63);
    r.g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, 1);
    r.map(1, 0, L0, 0, 1);
    assert_eq!(
        r.g.its_translate(1, 0),
        Err(ItsError::TranslationLpiNotAccepted)
    );
    r.cmds(&[int(1, 0)]);
    assert!(!r.g.lpi_is_pending(C1, L0));
    assert_eq!(r.hppi(C1), SPURIOUS);
}

#[test]
fn mapd_with_device_id_out_of_range_is_a_command_error() {
    let its = ItsConfig {
        device_bits: 8,
        ..ItsConfig::default()
    };
    let mut r = Rig::with(1, its, |_| {});
    r.cmds(&[mapd(256, 3, itt(0), true), sync(0)]);
    // Default choice: stall at the failing command.
    assert_eq!(r.creadr(), 1, "Offset 0, Stalled 1");
    let errors = r.g.take_its_errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error, ItsError::MapdDeviceOor);
    assert_eq!(errors[0].error.encoding(), Some(0x01_08_01));
    assert_eq!(errors[0].choice, CommandErrorChoice::Stall);
    assert_eq!(errors[0].opcode, 0x08);
    // Software fixes the command and retries.
    let fixed: Vec<u8> = mapd(255, 3, itt(0), true)
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    r.g.memory_mut().write(QUEUE, &fixed).unwrap();
    r.g.mmio_write(C0, Frame::Its, GITS_CWRITER, 8, 64 | 1);
    assert_eq!(r.creadr(), 64);
    assert!(r.g.take_its_errors().is_empty());
}

#[test]
fn ignore_choice_skips_a_failing_command_and_runs_the_rest() {
    let its = ItsConfig {
        command_error: CommandErrorChoice::Ignore,
        ..ItsConfig::default()
    };
    let mut r = Rig::with(1, its, |_| {});
    r.lpi(L0, LPI_PRIO, true);
    r.cmds(&[
        mapd(1, 16, itt(1), true), // 17 EventID bits > ID_bits + 1
        mapd(1, 3, itt(1), true),
        mapc(0, 0, true),
        mapti(1, 16, L0, 0), // EventID beyond 2^(3+1)
        mapti(1, 0, 5, 0),   // not an LPI
        mapti(1, 0, L0, 0),
        int(1, 0),
    ]);
    assert_eq!(r.creadr(), 7 * 32);
    let errors: Vec<ItsError> = r.g.take_its_errors().iter().map(|e| e.error).collect();
    assert_eq!(
        errors,
        [
            ItsError::MapdIttsizeOor,
            ItsError::MaptiIdOor,
            ItsError::MaptiPhysicalidOor
        ]
    );
    assert_eq!(r.ack(C0), L0);
}

#[test]
fn every_command_error_allows_ignore_and_stall() {
    for e in [
        ItsError::MapdDeviceOor,
        ItsError::MapcProcnumOor,
        ItsError::MoviUnmappedCollection,
        ItsError::UnsupportedCommand { opcode: 0x29 },
    ] {
        assert_eq!(
            allowed_command_error_choices(e),
            [CommandErrorChoice::Ignore, CommandErrorChoice::Stall]
        );
    }
    assert_eq!(
        allowed_command_error_choices(ItsError::TranslationUnmappedDevice),
        [CommandErrorChoice::Ignore]
    );
}

#[test]
fn mapc_errors_are_named_after_the_spec() {
    let its = ItsConfig {
        command_error: CommandErrorChoice::Ignore,
        collection_bits: 4,
        ..ItsConfig::default()
    };
    let mut r = Rig::with(2, its, |_| {});
    r.cmds(&[
        mapc(16, 0, true),
        mapc(1, 2, true),
        invall(3),
        movall(0, 5),
        sync(9),
    ]);
    let errors: Vec<ItsError> = r.g.take_its_errors().iter().map(|e| e.error).collect();
    assert_eq!(
        errors,
        [
            ItsError::MapcCollectionOor,
            ItsError::MapcProcnumOor,
            ItsError::InvallUnmappedCollection,
            ItsError::MovallProcnumOor,
            ItsError::SyncProcnumOor,
        ]
    );
}

#[test]
fn creadr_advances_past_processed_commands() {
    let mut r = Rig::new(1);
    assert_eq!(r.creadr(), 0);
    r.cmds(&[sync(0), sync(0), sync(0)]);
    assert_eq!(r.creadr(), 96);
    assert_eq!(r.cwriter(), 96);
    // Around the end of the one-page queue.
    for _ in 0..130 {
        r.cmds(&[sync(0)]);
        assert_eq!(r.creadr(), r.cwriter());
    }
    assert_eq!(r.creadr(), (96 + 130 * 32) % 4096);
}

#[test]
fn commands_wait_until_the_its_is_enabled() {
    let mut r = Rig::new(1);
    r.g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, 0);
    assert_eq!(
        r.g.mmio_read(C0, Frame::Its, GITS_CTLR, 4),
        1 << 31,
        "Quiescent"
    );
    r.cmds(&[sync(0), sync(0)]);
    assert_eq!(r.creadr(), 0);
    r.g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, 1);
    assert_eq!(r.creadr(), 64);
    assert_eq!(r.g.mmio_read(C0, Frame::Its, GITS_CTLR, 4), 1);
}

#[test]
fn cwriter_beyond_the_queue_is_ignored() {
    let mut r = Rig::new(1);
    r.g.mmio_write(C0, Frame::Its, GITS_CWRITER, 8, 4096);
    assert_eq!(r.cwriter(), 0);
    assert_eq!(r.creadr(), 0);
}

#[test]
fn two_level_device_table_lookup() {
    const L1_TABLE: u64 = 0x70_0000;
    const L2_PAGE: u64 = 0x71_0000;
    let mut r = Rig::with(1, ItsConfig::default(), |g| {
        // Indirect, 4 KiB pages: 512 entries of 8 bytes per level-2 page. Level-1 entry 2
        // (DeviceIDs 1024-1535) is valid.
        g.mmio_write(C0, Frame::Its, GITS_BASER0, 8, L1_TABLE | 1 << 62 | 1 << 63);
        g.memory_mut()
            .write(L1_TABLE + 16, &(L2_PAGE | 1 << 63).to_le_bytes())
            .unwrap();
    });
    let dev = 1024 + 7;
    r.map(dev, 0, L0, 0, 0);
    assert!(r.g.take_its_errors().is_empty());
    assert_eq!(r.g.its_translate(dev, 0), Ok(()));
    assert_eq!(r.ack(C0), L0);
    // The device table entry landed in the level-2 page.
    let mut dte = [0u8; 8];
    r.g.memory().read(L2_PAGE + 7 * 8, &mut dte).unwrap();
    assert_ne!(u64::from_le_bytes(dte) >> 63, 0);
    // A DeviceID under an invalid level-1 entry is out of range.
    r.cmds(&[mapd(5, 3, itt(5), true)]);
    let errors = r.g.take_its_errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error, ItsError::MapdDeviceOor);
}

#[test]
fn hcc_collections_are_held_in_the_its() {
    let its = ItsConfig {
        hcc: 4,
        ..ItsConfig::default()
    };
    let mut r = Rig::with(2, its, |g| {
        g.mmio_write(C0, Frame::Its, GITS_BASER1, 8, 0);
    });
    r.map(1, 0, L0, 3, 1);
    assert!(r.g.take_its_errors().is_empty());
    assert_eq!(r.g.its_translate(1, 0), Ok(()));
    assert!(r.g.lpi_is_pending(C1, L0));
    // ICID 4 needs the (invalid) memory table.
    r.cmds(&[mapc(4, 0, true)]);
    assert_eq!(r.g.take_its_errors()[0].error, ItsError::MapcCollectionOor);
}

#[test]
fn gits_typer_reports_the_configured_shape() {
    let its = ItsConfig {
        device_bits: 20,
        event_bits: 12,
        collection_bits: 8,
        hcc: 2,
        ..ItsConfig::default()
    };
    let mut r = Rig::with(1, its, |_| {});
    let t = r.g.mmio_read(C0, Frame::Its, GITS_TYPER, 8);
    assert_eq!(t & 1, 1, "Physical");
    assert_eq!(t >> 1 & 1, 0, "Virtual");
    assert_eq!(t >> 4 & 0xf, 7, "ITT_entry_size");
    assert_eq!(t >> 8 & 0x1f, 11, "ID_bits");
    assert_eq!(t >> 13 & 0x1f, 19, "Devbits");
    assert_eq!(t >> 19 & 1, 0, "PTA");
    assert_eq!(t >> 24 & 0xff, 2, "HCC");
    assert_eq!(t >> 32 & 0xf, 7, "CIDbits");
    assert_eq!(t >> 36 & 1, 1, "CIL");
    assert_eq!(r.g.mmio_read(C0, Frame::Its, GITS_TYPER + 4, 4), t >> 32);
}

#[test]
fn gits_baser_type_and_entry_size_are_read_only() {
    let mut r = Rig::new(1);
    r.g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, 0);
    r.g.mmio_write(C0, Frame::Its, GITS_BASER0, 8, u64::MAX);
    let b0 = r.g.mmio_read(C0, Frame::Its, GITS_BASER0, 8);
    assert_eq!(b0 >> 56 & 7, 1, "Devices");
    assert_eq!(b0 >> 48 & 0x1f, 7, "Entry_Size");
    assert_eq!(b0 >> 8 & 3, 2, "reserved page size stored as 64 KiB");
    assert_eq!(r.g.mmio_read(C0, Frame::Its, GITS_BASER1, 8) >> 56 & 7, 4);
    assert_eq!(r.g.mmio_read(C0, Frame::Its, GITS_BASER0 + 16, 8), 0);
    // While enabled, table registers ignore writes.
    r.g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, 1);
    r.g.mmio_write(C0, Frame::Its, GITS_BASER0, 8, 0);
    assert_eq!(r.g.mmio_read(C0, Frame::Its, GITS_BASER0, 8), b0);
}

#[test]
fn no_its_frame_without_an_its() {
    let mut g = v3(1);
    assert_eq!(g.mmio_read(C0, Frame::Its, GITS_TYPER, 8), 0);
    assert_eq!(g.take_ignored().len(), 1);
    assert_eq!(g.its_translate(0, 0), Err(ItsError::NoIts));
}

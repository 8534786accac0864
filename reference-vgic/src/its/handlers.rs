//! One handler per ITS command, plus the translation of a (DeviceID, EventID) pair
//! (IHI 0069H §5.3 "ITS commands", one subsection per command; §5.2 "The ITS" for
//! translation).
//!
//! Invariants:
//! - Every handler checks all of its operands before it changes anything, so an error leaves
//!   no partial effect (the "ignore" outcome of a command error is then exact).
//! - Errors are named after the spec ([`ItsError`]); a DeviceID or EventID that is out of
//!   range, or not mapped, is reported as the command's UNMAPPED_INTERRUPT error (MAPTI/MAPI
//!   have their own UNMAPPED_DEVICE / ID_OOR errors).
//! - Pending state lives in the redistributors; the ITS only names the target: a collection's
//!   processor number (GITS_TYPER.PTA == 0).

use alloc::vec::Vec;

use super::error::ItsError;
use super::tables::{Device, Ite, TableError};
use crate::Gic;
use crate::lpi::FIRST_LPI;
use crate::memory::MemoryError;

fn memory(e: MemoryError) -> ItsError {
    ItsError::Memory(e)
}

/// `TableError::OutOfRange` becomes `oor`; memory errors stay memory errors.
fn table(oor: ItsError) -> impl Fn(TableError) -> ItsError {
    move |e| match e {
        TableError::OutOfRange => oor,
        TableError::Memory(m) => ItsError::Memory(m),
    }
}

/// A processor number from an RDbase field (PTA == 0), if such a redistributor exists.
fn processor(gic: &Gic, rd: u64) -> Option<usize> {
    (rd < u64::from(gic.config.cpus)).then_some(rd as usize)
}

/// The mapped event and the processor its collection targets.
fn mapped_target(
    gic: &Gic,
    device: u32,
    event: u32,
    unmapped: ItsError,
) -> Result<(Device, Ite, usize), ItsError> {
    let (dev, ite) = gic
        .find_ite(device, event)
        .map_err(memory)?
        .ok_or(unmapped)?;
    let target = gic
        .read_collection(ite.icid)
        .map_err(table(unmapped))?
        .ok_or(unmapped)?;
    Ok((dev, ite, target))
}

/// MAPD: map DeviceID to an ITT of 2^(Size + 1) entries at ITT_addr, or unmap it (V == 0).
/// Unmapping does not change the pending state of the device's LPIs.
pub(crate) fn handle_mapd(
    gic: &mut Gic,
    device: u32,
    size: u8,
    itt: u64,
    valid: bool,
) -> Result<(), ItsError> {
    let event_bits = gic.config.its.map_or(0, |c| c.event_bits);
    gic.device_slot(device)
        .map_err(table(ItsError::MapdDeviceOor))?;
    if valid && size + 1 > event_bits {
        return Err(ItsError::MapdIttsizeOor);
    }
    let entry = valid.then_some(Device { itt, size });
    gic.write_device(device, entry)
        .map_err(table(ItsError::MapdDeviceOor))
}

/// MAPC: map ICID to the redistributor RDbase (a processor number), or unmap it (V == 0).
pub(crate) fn handle_mapc(gic: &mut Gic, icid: u16, rd: u64, valid: bool) -> Result<(), ItsError> {
    if !gic.collection_in_range(icid) {
        return Err(ItsError::MapcCollectionOor);
    }
    let target = if valid {
        Some(processor(gic, rd).ok_or(ItsError::MapcProcnumOor)?)
    } else {
        None
    };
    gic.write_collection(icid, target)
        .map_err(table(ItsError::MapcCollectionOor))
}

/// MAPTI: map EventID of DeviceID to LPI pINTID in collection ICID.
pub(crate) fn handle_mapti(
    gic: &mut Gic,
    device: u32,
    event: u32,
    intid: u32,
    icid: u16,
) -> Result<(), ItsError> {
    let dev = gic
        .read_device(device)
        .map_err(table(ItsError::MaptiUnmappedDevice))?
        .ok_or(ItsError::MaptiUnmappedDevice)?;
    if u64::from(event) >> (u32::from(dev.size) + 1) != 0 {
        return Err(ItsError::MaptiIdOor);
    }
    let limit = 1u64 << gic.config.lpi_id_bits;
    if intid < FIRST_LPI || u64::from(intid) >= limit {
        return Err(ItsError::MaptiPhysicalidOor);
    }
    if !gic.collection_in_range(icid) {
        return Err(ItsError::MaptiCollectionOor);
    }
    gic.write_ite(dev, event, Some(Ite { intid, icid }))
        .map_err(table(ItsError::MaptiIdOor))
}

/// MAPI: MAPTI with pINTID = EventID.
pub(crate) fn handle_mapi(
    gic: &mut Gic,
    device: u32,
    event: u32,
    icid: u16,
) -> Result<(), ItsError> {
    handle_mapti(gic, device, event, event, icid)
}

/// INT: make the event's LPI pending on its collection's redistributor (as a translated
/// write would, without GITS_TRANSLATER).
pub(crate) fn handle_int(gic: &mut Gic, device: u32, event: u32) -> Result<(), ItsError> {
    let (_, ite, target) = mapped_target(gic, device, event, ItsError::IntUnmappedInterrupt)?;
    gic.set_lpi_pending(target, ite.intid);
    Ok(())
}

/// CLEAR: clear the event's LPI's pending state; the mapping stays.
pub(crate) fn handle_clear(gic: &mut Gic, device: u32, event: u32) -> Result<(), ItsError> {
    let (_, ite, target) = mapped_target(gic, device, event, ItsError::ClearUnmappedInterrupt)?;
    gic.clear_lpi_pending(target, ite.intid);
    Ok(())
}

/// DISCARD: clear the event's LPI's pending state and remove the mapping.
pub(crate) fn handle_discard(gic: &mut Gic, device: u32, event: u32) -> Result<(), ItsError> {
    let (dev, ite, target) = mapped_target(gic, device, event, ItsError::DiscardUnmappedInterrupt)?;
    gic.write_ite(dev, event, None)
        .map_err(table(ItsError::DiscardUnmappedInterrupt))?;
    gic.clear_lpi_pending(target, ite.intid);
    Ok(())
}

/// INV: make the redistributor reload the event's LPI's configuration.
pub(crate) fn handle_inv(gic: &mut Gic, device: u32, event: u32) -> Result<(), ItsError> {
    let (_, ite, target) = mapped_target(gic, device, event, ItsError::InvUnmappedInterrupt)?;
    gic.invalidate_lpi(target, ite.intid);
    Ok(())
}

/// INVALL: make the collection's redistributor reload every cached LPI configuration.
pub(crate) fn handle_invall(gic: &mut Gic, icid: u16) -> Result<(), ItsError> {
    let target = gic
        .read_collection(icid)
        .map_err(table(ItsError::InvallUnmappedCollection))?
        .ok_or(ItsError::InvallUnmappedCollection)?;
    gic.invalidate_all_lpis(target);
    Ok(())
}

/// MOVI: move the event to collection ICID. If its LPI is pending on the old collection's
/// redistributor, the pending state moves to the new one: afterwards it is pending on the new
/// target and not on the old (IHI 0069H §5.3 MOVI; the seed 004 discussion: without this an
/// LPI could end up pending on two PEs).
pub(crate) fn handle_movi(
    gic: &mut Gic,
    device: u32,
    event: u32,
    icid: u16,
) -> Result<(), ItsError> {
    let (dev, ite) = gic
        .find_ite(device, event)
        .map_err(memory)?
        .ok_or(ItsError::MoviUnmappedInterrupt)?;
    let unmapped = ItsError::MoviUnmappedCollection;
    let from = gic
        .read_collection(ite.icid)
        .map_err(table(unmapped))?
        .ok_or(unmapped)?;
    let to = gic
        .read_collection(icid)
        .map_err(table(unmapped))?
        .ok_or(unmapped)?;
    gic.write_ite(dev, event, Some(Ite { icid, ..ite }))
        .map_err(table(ItsError::MoviUnmappedInterrupt))?;
    gic.move_lpi_pending(from, to, ite.intid);
    Ok(())
}

/// MOVALL: move every pending LPI of redistributor RDbase1 to RDbase2 (the collections are
/// remapped separately, by MAPC).
pub(crate) fn handle_movall(gic: &mut Gic, from: u64, to: u64) -> Result<(), ItsError> {
    let from = processor(gic, from).ok_or(ItsError::MovallProcnumOor)?;
    let to = processor(gic, to).ok_or(ItsError::MovallProcnumOor)?;
    let pending: Vec<u32> = gic.redists[from].lpi.pending.iter().copied().collect();
    for intid in pending {
        gic.move_lpi_pending(from, to, intid);
    }
    Ok(())
}

/// SYNC: the model's effects are immediate; only the operand is checked.
pub(crate) fn handle_sync(gic: &mut Gic, rd: u64) -> Result<(), ItsError> {
    processor(gic, rd)
        .map(|_| ())
        .ok_or(ItsError::SyncProcnumOor)
}

/// Translate EventID `event` from DeviceID `device` into a pending LPI (a GITS_TRANSLATER
/// write). A translation error ignores the request (no SEI: GITS_TYPER.SEIS == 0).
pub(crate) fn translate(gic: &mut Gic, device: u32, event: u32) -> Result<(), ItsError> {
    match &gic.its {
        None => return Err(ItsError::NoIts),
        Some(its) if !its.enabled => return Err(ItsError::ItsDisabled),
        Some(_) => {}
    }
    let dev = gic
        .read_device(device)
        .map_err(table(ItsError::TranslationUnmappedDevice))?
        .ok_or(ItsError::TranslationUnmappedDevice)?;
    let ite = gic
        .read_ite(dev, event)
        .map_err(table(ItsError::TranslationUnmappedInterrupt))?
        .ok_or(ItsError::TranslationUnmappedInterrupt)?;
    let unmapped = ItsError::TranslationUnmappedCollection;
    let target = gic
        .read_collection(ite.icid)
        .map_err(table(unmapped))?
        .ok_or(unmapped)?;
    if gic.set_lpi_pending(target, ite.intid) {
        Ok(())
    } else {
        Err(ItsError::TranslationLpiNotAccepted)
    }
}

//! ITS commands, encoded by hand from IHI 0069H §6.3 (the command formats): a conformance probe
//! must put exactly the specified bits on the queue. Each command is 32 bytes, four
//! little-endian doublewords; DW0[7:0] is the command number and, for the commands that name a
//! device, DW0[63:32] its DeviceID. The reference model decodes these from the specification on
//! its own, so an encoding mistake here shows up as a divergence, not as a shared bug.

/// A physical target redistributor as the ITS names it: with GITS_TYPER.PTA = 0, the processor
/// number (GICR_TYPER.Processor_Number), in RDbase bits [50:16].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RdBase(pub u32);

/// One ITS command (IHI 0069H §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// MAPD (0x08): map `device` to an ITT at `itt` (256-byte aligned) sized for `event_bits`
    /// EventID bits; `valid = false` unmaps.
    Mapd {
        /// DeviceID.
        device: u32,
        /// EventID bits the ITT covers (Size = bits - 1).
        event_bits: u8,
        /// ITT physical address.
        itt: u64,
        /// V.
        valid: bool,
    },
    /// MAPC (0x09): map collection `icid` to redistributor `rd`; `valid = false` unmaps.
    Mapc {
        /// ICID.
        icid: u16,
        /// Target redistributor.
        rd: RdBase,
        /// V.
        valid: bool,
    },
    /// MAPTI (0x0A): map `device`'s `event` to LPI `intid` in collection `icid`.
    Mapti {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
        /// pINTID (an LPI, 8192 and up).
        intid: u32,
        /// ICID.
        icid: u16,
    },
    /// MAPI (0x0B): MAPTI with pINTID = EventID.
    Mapi {
        /// DeviceID.
        device: u32,
        /// EventID (and pINTID).
        event: u32,
        /// ICID.
        icid: u16,
    },
    /// INT (0x03): make the LPI of `device`/`event` pending, as if the device had written it.
    Int {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
    },
    /// CLEAR (0x04): clear the pending state of the LPI of `device`/`event`.
    Clear {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
    },
    /// DISCARD (0x0F): remove the mapping of `device`/`event` and its pending state.
    Discard {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
    },
    /// INV (0x0C): reload the configuration of the LPI of `device`/`event`.
    Inv {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
    },
    /// INVALL (0x0D): reload the configuration of every LPI of collection `icid`.
    Invall {
        /// ICID.
        icid: u16,
    },
    /// MOVI (0x01): move the LPI of `device`/`event` to collection `icid`.
    Movi {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
        /// The new ICID.
        icid: u16,
    },
    /// MOVALL (0x0E): move every LPI of redistributor `from` to `to`.
    Movall {
        /// RDbase1.
        from: RdBase,
        /// RDbase2.
        to: RdBase,
    },
    /// SYNC (0x05): wait until the effects of earlier commands on `rd` are visible.
    Sync {
        /// RDbase.
        rd: RdBase,
    },
}

/// Bytes per command.
pub const COMMAND_BYTES: usize = 32;

const fn rd_bits(rd: RdBase) -> u64 {
    (rd.0 as u64 & 0x7_ffff) << 16
}

const fn device(cmd: u8, device: u32) -> u64 {
    cmd as u64 | (device as u64) << 32
}

impl Command {
    /// The four doublewords of this command.
    pub const fn encode(self) -> [u64; 4] {
        match self {
            Command::Mapd {
                device: d,
                event_bits,
                itt,
                valid,
            } => [
                device(0x08, d),
                (event_bits.saturating_sub(1) as u64) & 0x1f,
                (itt & 0x000f_ffff_ffff_ff00) | (valid as u64) << 63,
                0,
            ],
            Command::Mapc { icid, rd, valid } => {
                [0x09, 0, icid as u64 | rd_bits(rd) | (valid as u64) << 63, 0]
            }
            Command::Mapti {
                device: d,
                event,
                intid,
                icid,
            } => [
                device(0x0a, d),
                event as u64 | (intid as u64) << 32,
                icid as u64,
                0,
            ],
            Command::Mapi {
                device: d,
                event,
                icid,
            } => [device(0x0b, d), event as u64, icid as u64, 0],
            Command::Int { device: d, event } => [device(0x03, d), event as u64, 0, 0],
            Command::Clear { device: d, event } => [device(0x04, d), event as u64, 0, 0],
            Command::Discard { device: d, event } => [device(0x0f, d), event as u64, 0, 0],
            Command::Inv { device: d, event } => [device(0x0c, d), event as u64, 0, 0],
            Command::Invall { icid } => [0x0d, 0, icid as u64, 0],
            Command::Movi {
                device: d,
                event,
                icid,
            } => [device(0x01, d), event as u64, icid as u64, 0],
            Command::Movall { from, to } => [0x0e, 0, rd_bits(from), rd_bits(to)],
            Command::Sync { rd } => [0x05, 0, rd_bits(rd), 0],
        }
    }

    /// The 32 bytes of this command, little-endian.
    pub fn to_bytes(self) -> [u8; COMMAND_BYTES] {
        let mut out = [0; COMMAND_BYTES];
        for (chunk, dw) in out.chunks_exact_mut(8).zip(self.encode()) {
            chunk.copy_from_slice(&dw.to_le_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_numbers_follow_the_specification() {
        let numbers = [
            (
                Command::Movi {
                    device: 0,
                    event: 0,
                    icid: 0,
                },
                0x01,
            ),
            (
                Command::Int {
                    device: 0,
                    event: 0,
                },
                0x03,
            ),
            (
                Command::Clear {
                    device: 0,
                    event: 0,
                },
                0x04,
            ),
            (Command::Sync { rd: RdBase(0) }, 0x05),
            (
                Command::Mapd {
                    device: 0,
                    event_bits: 1,
                    itt: 0,
                    valid: true,
                },
                0x08,
            ),
            (
                Command::Mapc {
                    icid: 0,
                    rd: RdBase(0),
                    valid: true,
                },
                0x09,
            ),
            (
                Command::Mapti {
                    device: 0,
                    event: 0,
                    intid: 8192,
                    icid: 0,
                },
                0x0a,
            ),
            (
                Command::Mapi {
                    device: 0,
                    event: 0,
                    icid: 0,
                },
                0x0b,
            ),
            (
                Command::Inv {
                    device: 0,
                    event: 0,
                },
                0x0c,
            ),
            (Command::Invall { icid: 0 }, 0x0d),
            (
                Command::Movall {
                    from: RdBase(0),
                    to: RdBase(1),
                },
                0x0e,
            ),
            (
                Command::Discard {
                    device: 0,
                    event: 0,
                },
                0x0f,
            ),
        ];
        for (cmd, number) in numbers {
            assert_eq!(cmd.encode()[0] & 0xff, number, "{cmd:?}");
        }
    }

    #[test]
    fn mapd_places_device_size_itt_and_valid() {
        let dw = Command::Mapd {
            device: 0x1234,
            event_bits: 5,
            itt: 0x4812_3400,
            valid: true,
        }
        .encode();
        assert_eq!(dw[0] >> 32, 0x1234);
        assert_eq!(dw[1], 4, "Size is EventID bits minus one");
        assert_eq!(dw[2] & 0x000f_ffff_ffff_ff00, 0x4812_3400);
        assert_eq!(dw[2] >> 63, 1);
    }

    #[test]
    fn mapti_places_event_and_lpi_and_icid() {
        let dw = Command::Mapti {
            device: 7,
            event: 3,
            intid: 8200,
            icid: 2,
        }
        .encode();
        assert_eq!(
            (dw[0] >> 32, dw[1] & 0xffff_ffff, dw[1] >> 32, dw[2]),
            (7, 3, 8200, 2)
        );
    }

    #[test]
    fn rdbase_is_in_bits_50_to_16() {
        let dw = Command::Mapc {
            icid: 9,
            rd: RdBase(3),
            valid: true,
        }
        .encode();
        assert_eq!(dw[2] & 0xffff, 9);
        assert_eq!((dw[2] >> 16) & 0x7_ffff, 3);
        let dw = Command::Movall {
            from: RdBase(1),
            to: RdBase(2),
        }
        .encode();
        assert_eq!(((dw[2] >> 16) & 0x7_ffff, (dw[3] >> 16) & 0x7_ffff), (1, 2));
    }

    #[test]
    fn bytes_are_little_endian_doublewords() {
        let b = Command::Int {
            device: 1,
            event: 2,
        }
        .to_bytes();
        assert_eq!(b[0], 0x03);
        assert_eq!(b[4], 1);
        assert_eq!(b[8], 2);
    }
}

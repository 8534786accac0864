//! The guest ELF: its loadable segments and its PVH entry point, the `XEN_ELFNOTE_PHYS32_ENTRY`
//! note (type 18, name "Xen"; Xen `include/public/elfnote.h`), the 32-bit physical address a
//! PVH loader jumps to (Xen `docs/misc/pvh.pandoc`). ELF64 little-endian for x86-64 only (System
//! V ABI gABI, "ELF Header", "Program Header", "Note Section").

/// A segment to copy into guest memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Its guest-physical address (`p_paddr`).
    pub paddr: u64,
    /// Its bytes in the file (`p_filesz`).
    pub bytes: &'a [u8],
    /// Its size in memory (`p_memsz`): the rest is zero.
    pub memsz: u64,
}

/// A PVH-bootable ELF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PvhElf<'a> {
    /// The 32-bit entry point of the PVH note.
    pub entry: u32,
    /// The `PT_LOAD` segments.
    pub segments: Vec<Segment<'a>>,
}

/// `XEN_ELFNOTE_PHYS32_ENTRY`.
pub const XEN_ELFNOTE_PHYS32_ENTRY: u32 = 18;
/// `EM_X86_64`.
const EM_X86_64: u16 = 62;
/// `PT_LOAD`, `PT_NOTE`.
const PT_LOAD: u32 = 1;
const PT_NOTE: u32 = 4;
/// `SHT_NOTE`.
const SHT_NOTE: u32 = 7;

/// Little-endian fields at byte offsets, with bounds checks.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn slice(&self, at: u64, len: u64) -> Result<&'a [u8], String> {
        let end = at.checked_add(len).ok_or("offset overflow")?;
        self.0.get(at as usize..end as usize).ok_or_else(|| {
            format!(
                "{len:#x} bytes at {at:#x} lie outside the {:#x}-byte file",
                self.0.len()
            )
        })
    }
    fn u16(&self, at: u64) -> Result<u16, String> {
        Ok(u16::from_le_bytes(
            self.slice(at, 2)?.try_into().unwrap_or_default(),
        ))
    }
    fn u32(&self, at: u64) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.slice(at, 4)?.try_into().unwrap_or_default(),
        ))
    }
    fn u64(&self, at: u64) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.slice(at, 8)?.try_into().unwrap_or_default(),
        ))
    }
}

/// Parses `file` as an x86-64 ELF with a PVH entry note.
pub fn parse(file: &[u8]) -> Result<PvhElf<'_>, String> {
    let f = Bytes(file);
    if f.slice(0, 4)? != b"\x7fELF" {
        return Err("not an ELF file".into());
    }
    if f.slice(4, 2)? != [2, 1] {
        return Err("not a 64-bit little-endian ELF".into());
    }
    if f.u16(18)? != EM_X86_64 {
        return Err(format!(
            "ELF machine {} is not x86-64 ({EM_X86_64})",
            f.u16(18)?
        ));
    }
    let (phoff, phentsize, phnum) = (f.u64(32)?, u64::from(f.u16(54)?), f.u16(56)?);
    let mut segments = Vec::new();
    let mut entry = None;
    for i in 0..u64::from(phnum) {
        let ph = phoff + i * phentsize;
        let (kind, offset, paddr, filesz, memsz) = (
            f.u32(ph)?,
            f.u64(ph + 8)?,
            f.u64(ph + 24)?,
            f.u64(ph + 32)?,
            f.u64(ph + 40)?,
        );
        match kind {
            PT_LOAD if memsz > 0 => {
                if filesz > memsz {
                    return Err(format!(
                        "segment at {paddr:#x} has more file than memory bytes"
                    ));
                }
                segments.push(Segment {
                    paddr,
                    bytes: f.slice(offset, filesz)?,
                    memsz,
                });
            }
            PT_NOTE if entry.is_none() => entry = pvh_entry(f.slice(offset, filesz)?)?,
            _ => {}
        }
    }
    if entry.is_none() {
        let (shoff, shentsize, shnum) = (f.u64(40)?, u64::from(f.u16(58)?), f.u16(60)?);
        for i in 0..u64::from(shnum) {
            let sh = shoff + i * shentsize;
            if f.u32(sh + 4)? == SHT_NOTE {
                entry = pvh_entry(f.slice(f.u64(sh + 24)?, f.u64(sh + 32)?)?)?;
                if entry.is_some() {
                    break;
                }
            }
        }
    }
    let entry =
        entry.ok_or("the ELF has no XEN_ELFNOTE_PHYS32_ENTRY note: it cannot boot as PVH")?;
    if segments.is_empty() {
        return Err("the ELF has no loadable segment".into());
    }
    Ok(PvhElf { entry, segments })
}

/// The PVH entry in a run of notes (each: namesz, descsz, type, name and desc padded to 4).
fn pvh_entry(notes: &[u8]) -> Result<Option<u32>, String> {
    let n = Bytes(notes);
    let mut at = 0u64;
    while at + 12 <= notes.len() as u64 {
        let (namesz, descsz, kind) = (
            u64::from(n.u32(at)?),
            u64::from(n.u32(at + 4)?),
            n.u32(at + 8)?,
        );
        let name = n.slice(at + 12, namesz)?;
        let desc_at = at + 12 + namesz.next_multiple_of(4);
        if name == b"Xen\0" && kind == XEN_ELFNOTE_PHYS32_ENTRY {
            // The note holds the address as a 32-bit or 64-bit value; it must fit in 32 bits.
            let value = match descsz {
                4 => u64::from(n.u32(desc_at)?),
                8 => n.u64(desc_at)?,
                other => return Err(format!("PHYS32_ENTRY note of {other} bytes")),
            };
            return u32::try_from(value)
                .map(Some)
                .map_err(|_| format!("PVH entry {value:#x} is above 4 GiB"));
        }
        at = desc_at + descsz.next_multiple_of(4);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note record.
    fn note(name: &[u8], kind: u32, desc: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend((name.len() as u32).to_le_bytes());
        out.extend((desc.len() as u32).to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(name);
        out.resize(out.len().next_multiple_of(4), 0);
        out.extend(desc);
        out.resize(out.len().next_multiple_of(4), 0);
        out
    }

    /// An ELF with one PT_LOAD of `code` at 1 MiB (memsz + 0x100) and a PT_NOTE of `notes`.
    pub(crate) fn elf(code: &[u8], notes: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 64 + 2 * 56];
        f[..4].copy_from_slice(b"\x7fELF");
        f[4] = 2;
        f[5] = 1;
        f[18..20].copy_from_slice(&EM_X86_64.to_le_bytes());
        f[32..40].copy_from_slice(&64u64.to_le_bytes());
        f[54..56].copy_from_slice(&56u16.to_le_bytes());
        f[56..58].copy_from_slice(&2u16.to_le_bytes());
        let code_at = f.len() as u64;
        f.extend(code);
        let notes_at = f.len() as u64;
        f.extend(notes);
        let ph = |f: &mut Vec<u8>,
                  i: usize,
                  kind: u32,
                  off: u64,
                  paddr: u64,
                  filesz: u64,
                  memsz: u64| {
            let p = 64 + i * 56;
            f[p..p + 4].copy_from_slice(&kind.to_le_bytes());
            f[p + 8..p + 16].copy_from_slice(&off.to_le_bytes());
            f[p + 24..p + 32].copy_from_slice(&paddr.to_le_bytes());
            f[p + 32..p + 40].copy_from_slice(&filesz.to_le_bytes());
            f[p + 40..p + 48].copy_from_slice(&memsz.to_le_bytes());
        };
        let n = code.len() as u64;
        ph(&mut f, 0, PT_LOAD, code_at, 0x10_0000, n, n + 0x100);
        ph(
            &mut f,
            1,
            PT_NOTE,
            notes_at,
            0,
            notes.len() as u64,
            notes.len() as u64,
        );
        f
    }

    #[test]
    fn the_pvh_entry_note_gives_the_entry_and_load_segments_their_bytes() {
        let notes = [
            note(b"GNU\0", 3, &[1, 2, 3, 4]),
            note(b"Xen\0", 6, b"xen-3.0\0"),
            note(
                b"Xen\0",
                XEN_ELFNOTE_PHYS32_ENTRY,
                &0x10_0040u32.to_le_bytes(),
            ),
        ]
        .concat();
        let file = elf(&[0xf4; 16], &notes);
        let parsed = parse(&file).unwrap();
        assert_eq!(parsed.entry, 0x10_0040);
        assert_eq!(
            parsed.segments,
            [Segment {
                paddr: 0x10_0000,
                bytes: &[0xf4; 16],
                memsz: 0x110
            }]
        );
    }

    #[test]
    fn a_64_bit_note_value_is_accepted_when_it_fits_in_32_bits() {
        let ok = note(
            b"Xen\0",
            XEN_ELFNOTE_PHYS32_ENTRY,
            &0x20_0000u64.to_le_bytes(),
        );
        assert_eq!(parse(&elf(&[0; 4], &ok)).unwrap().entry, 0x20_0000);
        let high = note(
            b"Xen\0",
            XEN_ELFNOTE_PHYS32_ENTRY,
            &(1u64 << 33).to_le_bytes(),
        );
        assert!(
            parse(&elf(&[0; 4], &high))
                .unwrap_err()
                .contains("above 4 GiB")
        );
    }

    #[test]
    fn an_elf_without_the_note_or_for_another_machine_or_cut_short_is_refused() {
        let none = note(b"GNU\0", 3, &[0; 4]);
        assert!(
            parse(&elf(&[0; 4], &none))
                .unwrap_err()
                .contains("PHYS32_ENTRY")
        );
        let mut arm = elf(&[0; 4], &none);
        arm[18] = 183;
        assert!(parse(&arm).unwrap_err().contains("not x86-64"));
        let whole = elf(&[0; 4], &note(b"Xen\0", XEN_ELFNOTE_PHYS32_ENTRY, &[0; 4]));
        assert!(parse(&whole[..100]).is_err());
        assert!(parse(b"MZ").is_err());
    }
}

//! ELF to flat binary: what `objcopy -O binary` does, for the one kind of ELF the guests are.
//!
//! Loaders of arm64 Images (QEMU `-kernel`, Xen, KVM VMMs) take the bytes as they are in memory
//! from the load address on, so the image is every `PT_LOAD` segment's file contents placed at its
//! physical address relative to the lowest one, with zeros in the gaps. Memory past a segment's
//! file size (`.bss`, stacks) is not stored: the guest zeroes it, and the Image header's
//! `image_size` tells the loader to reserve it.

use object::elf::{FileHeader64, PT_LOAD};
use object::read::elf::{FileHeader, ProgramHeader};
use object::{Endianness, elf};

use super::BuildError;

/// A flat image larger than this is a linker-script mistake (e.g. a segment at address 0 next to
/// one at 1 GiB), not a guest.
pub const MAX_IMAGE: u64 = 256 << 20;

/// Offset of the arm64 Image magic (`ARM\x64`) in the header.
pub const ARM64_MAGIC_OFFSET: usize = 0x38;
/// The arm64 Image magic.
pub const ARM64_MAGIC: &[u8; 4] = b"ARM\x64";

/// Converts a 64-bit ELF to a flat image: the file contents of its `PT_LOAD` segments (those with
/// a non-zero file size), each at its `p_paddr` minus the lowest such `p_paddr`.
pub fn elf_to_flat_image(elf_bytes: &[u8]) -> Result<Vec<u8>, BuildError> {
    let header = FileHeader64::<Endianness>::parse(elf_bytes)
        .map_err(|e| BuildError::Elf(format!("not a 64-bit ELF file: {e}")))?;
    let endian = header
        .endian()
        .map_err(|e| BuildError::Elf(format!("bad ELF header: {e}")))?;
    let segments: Vec<&elf::ProgramHeader64<Endianness>> = header
        .program_headers(endian, elf_bytes)
        .map_err(|e| BuildError::Elf(format!("bad program headers: {e}")))?
        .iter()
        .filter(|ph| ph.p_type(endian) == PT_LOAD && ph.p_filesz(endian) > 0)
        .collect();

    let base = segments
        .iter()
        .map(|ph| ph.p_paddr(endian))
        .min()
        .ok_or_else(|| BuildError::Elf("no PT_LOAD segment with file contents".into()))?;
    let mut end = base;
    for ph in &segments {
        let paddr = ph.p_paddr(endian);
        let seg_end = paddr.checked_add(ph.p_filesz(endian)).ok_or_else(|| {
            BuildError::Elf(format!(
                "segment at {paddr:#x} wraps around the address space"
            ))
        })?;
        end = end.max(seg_end);
    }
    if end - base > MAX_IMAGE {
        return Err(BuildError::Elf(format!(
            "segments span {:#x}..{end:#x}, over {} MiB: check the linker script",
            base,
            MAX_IMAGE >> 20
        )));
    }

    let mut image = vec![0u8; (end - base) as usize];
    for ph in segments {
        let data = ph.data(endian, elf_bytes).map_err(|()| {
            BuildError::Elf(format!(
                "segment at {:#x} points outside the file",
                ph.p_paddr(endian)
            ))
        })?;
        let at = (ph.p_paddr(endian) - base) as usize;
        image[at..at + data.len()].copy_from_slice(data);
    }
    Ok(image)
}

/// Whether `image` starts with an arm64 Linux Image header.
pub fn has_arm64_header(image: &[u8]) -> bool {
    image.get(ARM64_MAGIC_OFFSET..ARM64_MAGIC_OFFSET + 4) == Some(&ARM64_MAGIC[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One program header of a synthetic ELF.
    struct Seg {
        p_type: u32,
        paddr: u64,
        data: &'static [u8],
        memsz: u64,
    }

    fn load(paddr: u64, data: &'static [u8]) -> Seg {
        Seg {
            p_type: PT_LOAD,
            paddr,
            data,
            memsz: data.len() as u64,
        }
    }

    /// A minimal little-endian ELF64 for AArch64 with `segs` as program headers and their data
    /// after them. Virtual addresses are the physical ones plus 0x1000, so a converter that used
    /// p_vaddr would be caught.
    fn synthetic_elf(segs: &[Seg]) -> Vec<u8> {
        const EHSIZE: usize = 64;
        const PHENTSIZE: usize = 56;
        let mut out = Vec::new();
        out.extend_from_slice(b"\x7fELF");
        out.extend_from_slice(&[2, 1, 1, 0]); // ELFCLASS64, little-endian, version 1, SysV
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        out.extend_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&0x4020_0000u64.to_le_bytes()); // e_entry
        out.extend_from_slice(&(EHSIZE as u64).to_le_bytes()); // e_phoff
        out.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
        out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
        out.extend_from_slice(&(EHSIZE as u16).to_le_bytes());
        out.extend_from_slice(&(PHENTSIZE as u16).to_le_bytes());
        out.extend_from_slice(&(segs.len() as u16).to_le_bytes());
        out.extend_from_slice(&64u16.to_le_bytes()); // e_shentsize
        out.extend_from_slice(&0u16.to_le_bytes()); // e_shnum
        out.extend_from_slice(&0u16.to_le_bytes()); // e_shstrndx
        assert_eq!(out.len(), EHSIZE);
        let mut offset = EHSIZE + PHENTSIZE * segs.len();
        for s in segs {
            out.extend_from_slice(&s.p_type.to_le_bytes());
            out.extend_from_slice(&5u32.to_le_bytes()); // R X
            out.extend_from_slice(&(offset as u64).to_le_bytes());
            out.extend_from_slice(&(s.paddr + 0x1000).to_le_bytes()); // p_vaddr
            out.extend_from_slice(&s.paddr.to_le_bytes());
            out.extend_from_slice(&(s.data.len() as u64).to_le_bytes());
            out.extend_from_slice(&s.memsz.to_le_bytes());
            out.extend_from_slice(&0x1000u64.to_le_bytes());
            offset += s.data.len();
        }
        for s in segs {
            out.extend_from_slice(s.data);
        }
        out
    }

    #[test]
    fn segments_land_at_their_physical_address_relative_to_the_lowest() {
        // Given out of order, with a gap between them.
        let elf = synthetic_elf(&[load(0x4020_0010, b"world"), load(0x4020_0000, b"hello")]);
        let image = elf_to_flat_image(&elf).unwrap();
        let mut expected = vec![0u8; 0x15];
        expected[..5].copy_from_slice(b"hello");
        expected[0x10..].copy_from_slice(b"world");
        assert_eq!(image, expected);
    }

    #[test]
    fn memory_past_the_file_contents_is_left_out() {
        let bss = Seg {
            memsz: 0x10_0000,
            ..load(0x4020_0000, b"code")
        };
        let nobits = Seg {
            memsz: 0x1000,
            ..load(0x4030_0000, b"")
        };
        let image = elf_to_flat_image(&synthetic_elf(&[bss, nobits])).unwrap();
        assert_eq!(image, b"code");
    }

    #[test]
    fn segments_other_than_pt_load_are_ignored() {
        let note = Seg {
            p_type: elf::PT_NOTE,
            ..load(0x1000, b"note")
        };
        let image = elf_to_flat_image(&synthetic_elf(&[note, load(0x4020_0000, b"code")])).unwrap();
        assert_eq!(image, b"code");
    }

    #[test]
    fn an_elf_without_loadable_contents_is_an_error() {
        let err = elf_to_flat_image(&synthetic_elf(&[])).unwrap_err();
        assert!(err.to_string().contains("no PT_LOAD"), "{err}");
    }

    #[test]
    fn segments_spread_over_a_huge_range_are_an_error() {
        let elf = synthetic_elf(&[load(0, b"low"), load(0x4000_0000, b"high")]);
        let err = elf_to_flat_image(&elf).unwrap_err();
        assert!(err.to_string().contains("linker script"), "{err}");
    }

    #[test]
    fn input_that_is_not_elf_is_an_error() {
        let err = elf_to_flat_image(b"MZ this is not an ELF file at all, but long enough to parse")
            .unwrap_err();
        assert!(err.to_string().contains("not a 64-bit ELF"), "{err}");
    }

    #[test]
    fn the_arm64_magic_is_recognised_at_its_offset() {
        let mut image = vec![0u8; 0x40];
        assert!(!has_arm64_header(&image));
        image[0x38..0x3c].copy_from_slice(ARM64_MAGIC);
        assert!(has_arm64_header(&image));
        assert!(!has_arm64_header(&image[..0x3a]));
    }
}

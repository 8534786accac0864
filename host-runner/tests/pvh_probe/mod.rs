//! A PVH probe guest for the kvm-x86 VMM, assembled here byte by byte: 32-bit protected mode
//! with paging off, as the PVH entry leaves it (so no page tables, IDT or stack switch), with
//! interrupts disabled throughout. It software-enables the BSP's local APIC (SVR = 0x1FF, SDM
//! vol. 3 §11.4.7.1), points IOAPIC pin 5 at vector 0x35 (edge, fixed, physical destination 0;
//! 82093AA §3.2.4), then prints each request record it is given on COM1, echoes the host's
//! one-line answer back to the console, and after some requests reads IRR\[63:32\] at
//! 0xFEE00210 (SDM §11.8.4) and prints whether the vector the request should have made pending
//! is there. It ends through `isa-debug-exit` (port 0xF4, value 0).

use guest_kit::inject::Inject;
use guest_kit::protocol::{LineBuf, Record, encode};

/// Where the probe is linked and loaded.
const BASE: u32 = 0x10_0000;
/// Where its subroutines and strings sit inside the segment.
const SAY: u32 = BASE + 0x800;
const ECHO: u32 = BASE + 0x900;
const DATA: u32 = BASE + 0xa00;
/// IRR bits 63:32 of the local APIC.
const IRR_32_63: u32 = 0xfee0_0210;
/// The vector IOAPIC pin 5 is given.
pub const PIN5_VECTOR: u8 = 0x35;
/// The vector the probe's MSI carries.
pub const MSI_VECTOR: u8 = 0x36;

/// One thing the probe does: a request record to print (its answer is echoed), then maybe a
/// check of IRR for a vector.
pub struct Step {
    /// The request.
    pub request: Inject,
    /// The vector whose IRR bit the probe reports after the answer.
    pub pending: Option<u8>,
}

/// The line the probe prints when `vector` is pending in IRR after a step, or when it is not.
pub fn verdict(vector: u8, pending: bool) -> String {
    let word = if pending { "pending" } else { "absent" };
    format!("probe: vector {vector:#x} {word}\n")
}

/// A little x86 assembler: the instructions the probe needs, as bytes.
#[derive(Default)]
struct Asm(Vec<u8>);

impl Asm {
    fn bytes(&mut self, b: &[u8]) -> &mut Asm {
        self.0.extend_from_slice(b);
        self
    }
    fn imm(&mut self, v: u32) -> &mut Asm {
        self.bytes(&v.to_le_bytes())
    }
    /// `mov dword [addr], value`.
    fn store(&mut self, addr: u32, value: u32) -> &mut Asm {
        self.bytes(&[0xc7, 0x05]).imm(addr).imm(value)
    }
    /// `mov esi, value`.
    fn esi(&mut self, value: u32) -> &mut Asm {
        self.bytes(&[0xbe]).imm(value)
    }
    /// `call target`, the call starting at `at`.
    fn call(&mut self, at: u32, target: u32) -> &mut Asm {
        let rel = target.wrapping_sub(at + 5);
        self.bytes(&[0xe8]).imm(rel)
    }
    fn here(&self) -> u32 {
        BASE + self.0.len() as u32
    }
}

/// The probe's ELF: one PT_LOAD at [`BASE`] and the PVH note.
pub fn elf(steps: &[Step]) -> Vec<u8> {
    // Strings: each request record, then the verdict lines.
    let mut data = Vec::new();
    let string = |text: &str, data: &mut Vec<u8>| {
        let at = DATA + data.len() as u32;
        data.extend_from_slice(text.as_bytes());
        data.push(0);
        at
    };
    let mut main = Asm::default();
    main.bytes(&[0xbc]).imm(0x8_0000); // mov esp, 0x80000
    main.store(0xfee0_00f0, 0x1ff); // SVR: APIC software-enabled, spurious vector 0xff
    let pin5 = 0x10 + 2 * 5;
    main.store(0xfec0_0000, pin5)
        .store(0xfec0_0010, PIN5_VECTOR.into());
    main.store(0xfec0_0000, pin5 + 1).store(0xfec0_0010, 0);
    for (id, step) in (0u32..).zip(steps) {
        let mut line = LineBuf::default();
        let record = Record::Request {
            id,
            request: step.request,
        };
        let text = format!("{}\n", encode(id, &record, &mut line).unwrap_or_default());
        let at = string(&text, &mut data);
        main.esi(at);
        let here = main.here();
        main.call(here, SAY);
        let here = main.here();
        main.call(here, ECHO);
        if let Some(vector) = step.pending {
            let yes = string(&verdict(vector, true), &mut data);
            let no = string(&verdict(vector, false), &mut data);
            main.bytes(&[0xa1]).imm(IRR_32_63); // mov eax, [IRR 63:32]
            main.bytes(&[0xa9]).imm(1 << (vector - 32)); // test eax, bit
            main.esi(yes).bytes(&[0x75, 0x05]).esi(no); // jnz over the second mov
            let here = main.here();
            main.call(here, SAY);
        }
    }
    // mov dx, 0xf4; xor eax, eax; out dx, al; hlt; jmp hlt
    main.bytes(&[0x66, 0xba, 0xf4, 0x00, 0x31, 0xc0, 0xee, 0xf4, 0xeb, 0xfd]);
    assert!(
        main.here() <= SAY,
        "the probe's main code overran its subroutines"
    );

    let mut image = main.0;
    image.resize((SAY - BASE) as usize, 0x90);
    // SAY: print the NUL-terminated string at esi on COM1.
    image.extend_from_slice(&[
        0x66, 0xba, 0xf8, 0x03, // mov dx, 0x3f8
        0xac, // lodsb
        0x84, 0xc0, // test al, al
        0x74, 0x03, // jz ret
        0xee, // out dx, al
        0xeb, 0xf8, // jmp lodsb
        0xc3, // ret
    ]);
    image.resize((ECHO - BASE) as usize, 0x90);
    // ECHO: wait for LSR.DR, copy bytes from RBR to THR until a newline.
    image.extend_from_slice(&[
        0x66, 0xba, 0xfd, 0x03, // mov dx, 0x3fd
        0xec, // in al, dx
        0xa8, 0x01, // test al, 1
        0x74, 0xf7, // jz the start
        0x66, 0xba, 0xf8, 0x03, // mov dx, 0x3f8
        0xec, // in al, dx
        0xee, // out dx, al
        0x3c, 0x0a, // cmp al, '\n'
        0x75, 0xed, // jne the start
        0xc3, // ret
    ]);
    image.resize((DATA - BASE) as usize, 0x90);
    image.extend_from_slice(&data);
    wrap(&image)
}

/// An ELF64 x86-64 executable loading `image` at [`BASE`], with a PVH entry note for it.
fn wrap(image: &[u8]) -> Vec<u8> {
    const EHDR: usize = 64;
    const PHDR: usize = 56;
    let mut note = Vec::new();
    note.extend(4u32.to_le_bytes()); // namesz
    note.extend(4u32.to_le_bytes()); // descsz
    note.extend(18u32.to_le_bytes()); // XEN_ELFNOTE_PHYS32_ENTRY
    note.extend(b"Xen\0");
    note.extend(BASE.to_le_bytes());
    let note_at = EHDR + 2 * PHDR;
    let image_at = (note_at + note.len()).next_multiple_of(16);
    let mut f = vec![0u8; image_at];
    f[..4].copy_from_slice(b"\x7fELF");
    f[4] = 2; // 64-bit
    f[5] = 1; // little-endian
    f[6] = 1; // version
    f[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    f[18..20].copy_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    f[20..24].copy_from_slice(&1u32.to_le_bytes());
    f[24..32].copy_from_slice(&u64::from(BASE).to_le_bytes()); // e_entry
    f[32..40].copy_from_slice(&(EHDR as u64).to_le_bytes()); // e_phoff
    f[52..54].copy_from_slice(&(EHDR as u16).to_le_bytes());
    f[54..56].copy_from_slice(&(PHDR as u16).to_le_bytes());
    f[56..58].copy_from_slice(&2u16.to_le_bytes());
    let mut ph = |i: usize, kind: u32, offset: usize, addr: u64, size: usize| {
        let p = EHDR + i * PHDR;
        f[p..p + 4].copy_from_slice(&kind.to_le_bytes());
        f[p + 4..p + 8].copy_from_slice(&7u32.to_le_bytes()); // RWX
        f[p + 8..p + 16].copy_from_slice(&(offset as u64).to_le_bytes());
        f[p + 16..p + 24].copy_from_slice(&addr.to_le_bytes());
        f[p + 24..p + 32].copy_from_slice(&addr.to_le_bytes());
        f[p + 32..p + 40].copy_from_slice(&(size as u64).to_le_bytes());
        f[p + 40..p + 48].copy_from_slice(&(size as u64).to_le_bytes());
        f[p + 48..p + 56].copy_from_slice(&4u64.to_le_bytes());
    };
    ph(0, 1, image_at, BASE.into(), image.len()); // PT_LOAD
    ph(1, 4, note_at, 0, note.len()); // PT_NOTE
    f[note_at..note_at + note.len()].copy_from_slice(&note);
    f.extend_from_slice(image);
    f
}

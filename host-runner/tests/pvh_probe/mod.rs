//! A PVH probe guest for the kvm-x86 VMM, assembled here byte by byte: 32-bit protected mode
//! with paging off, as the PVH entry leaves it (no page tables; the VMM's boot GDT; a stack at
//! 512 KiB), interrupts disabled except in explicit windows. Its prologue masks the 8259s and
//! LVT0 (so no line reaches the CPU as ExtINT), software-enables the BSP's local APIC (SVR =
//! 0x1FF, SDM vol. 3 §11.4.7.1), points IOAPIC pin 5 at vector 0x35 (edge) and pin 6 at vector
//! 0x46 (level), fixed, physical destination 0 (82093AA §3.2.4), and loads an IDT whose only gate
//! is vector 0x46's: a handler that counts and returns *without* EOI (as the suite's cases do).
//! Then it performs [`Action`]s, each printing at most one line: a request record (and the
//! host's answer, echoed), an IRR bit, the handler's count, a redirection entry's Remote IRR.
//! It ends through `isa-debug-exit` (port 0xF4, value 0).

use guest_kit::inject::Inject;
use guest_kit::protocol::{LineBuf, Record, encode};

/// Where the probe is linked and loaded.
const BASE: u32 = 0x10_0000;
/// Where its subroutines, handler, tables and strings sit inside the segment.
const SAY: u32 = BASE + 0x800;
const ECHO: u32 = BASE + 0x900;
const HANDLER: u32 = BASE + 0xa00;
const IDTR: u32 = BASE + 0xf00;
const COUNT: u32 = BASE + 0xf10;
const IDT: u32 = BASE + 0x1000;
const DATA: u32 = BASE + 0x1800;
/// Local APIC registers (SDM vol. 3 Table 11-1): EOI, SVR, IRR, LVT LINT0.
const LAPIC_EOI: u32 = 0xfee0_00b0;
const LAPIC_SVR: u32 = 0xfee0_00f0;
const LAPIC_IRR: u32 = 0xfee0_0200;
const LAPIC_LVT0: u32 = 0xfee0_0350;
/// IOAPIC window (82093AA §3.0).
const IOREGSEL: u32 = 0xfec0_0000;
const IOWIN: u32 = 0xfec0_0010;
/// The code selector of the VMM's boot GDT.
const CODE_SELECTOR: u16 = 0x08;
/// IOAPIC pin 5: edge, this vector.
pub const EDGE_PIN: u8 = 5;
pub const EDGE_VECTOR: u8 = 0x35;
/// IOAPIC pin 6: level, this vector (the one with an IDT gate).
pub const LEVEL_PIN: u8 = 6;
pub const LEVEL_VECTOR: u8 = 0x46;

/// One thing the probe does.
#[derive(Clone, Copy)]
pub enum Action {
    /// Prints the request's record and echoes the host's answer line.
    Request(Inject),
    /// Prints whether `vector` is pending in IRR ([`pending`]).
    Pending(u8),
    /// `sti; nop; cli`: lets pending interrupts be taken.
    Window,
    /// Writes the local APIC's EOI register.
    Eoi,
    /// Prints whether the handler ran exactly this many times ([`taken`]).
    Taken(u8),
    /// Prints whether the pin's redirection entry has Remote IRR set ([`remote_irr`]).
    RemoteIrr(u8),
    /// `cli; hlt` for good: nothing will wake the CPU.
    Hang,
}

/// The line [`Action::Pending`] prints.
pub fn pending(vector: u8, is: bool) -> String {
    let word = if is { "pending" } else { "absent" };
    format!("probe: vector {vector:#x} {word}\n")
}

/// The line [`Action::Taken`] prints.
pub fn taken(times: u8, is: bool) -> String {
    let word = if is { "" } else { "not " };
    format!("probe: handler ran {word}{times} times\n")
}

/// The line [`Action::RemoteIrr`] prints.
pub fn remote_irr(pin: u8, is: bool) -> String {
    let word = if is { "set" } else { "clear" };
    format!("probe: pin {pin} remote irr {word}\n")
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
    /// `call target`.
    fn call(&mut self, target: u32) -> &mut Asm {
        let rel = target.wrapping_sub(self.here() + 5);
        self.bytes(&[0xe8]).imm(rel)
    }
    /// Prints `yes` when the flags say `condition` (a `jcc rel8` opcode), else `no`.
    fn say_if(&mut self, condition: u8, yes: u32, no: u32) -> &mut Asm {
        self.esi(yes).bytes(&[condition, 0x05]).esi(no).call(SAY)
    }
    fn here(&self) -> u32 {
        BASE + self.0.len() as u32
    }
}

/// `jnz` and `jz` (rel8).
const JNZ: u8 = 0x75;
const JZ: u8 = 0x74;

/// The probe's ELF: one PT_LOAD at [`BASE`] and the PVH note.
pub fn elf(actions: &[Action]) -> Vec<u8> {
    let mut data = Vec::new();
    let string = |text: &str, data: &mut Vec<u8>| {
        let at = DATA + data.len() as u32;
        data.extend_from_slice(text.as_bytes());
        data.push(0);
        at
    };
    let mut main = Asm::default();
    main.bytes(&[0xbc]).imm(0x8_0000); // mov esp, 0x80000
    main.bytes(&[0xb0, 0xff, 0xe6, 0x21, 0xe6, 0xa1]); // mov al, 0xff; out 0x21/0xa1, al
    main.store(LAPIC_LVT0, 1 << 16); // LVT0 masked
    main.store(LAPIC_SVR, 0x1ff); // APIC software-enabled, spurious vector 0xff
    for (pin, low) in [
        (EDGE_PIN, u32::from(EDGE_VECTOR)),
        (LEVEL_PIN, u32::from(LEVEL_VECTOR) | 1 << 15),
    ] {
        let index = 0x10 + 2 * u32::from(pin);
        main.store(IOREGSEL, index).store(IOWIN, low);
        main.store(IOREGSEL, index + 1).store(IOWIN, 0);
    }
    main.bytes(&[0x0f, 0x01, 0x1d]).imm(IDTR); // lidt [IDTR]
    let mut requests = 0u32;
    for action in actions {
        match *action {
            Action::Request(request) => {
                let mut line = LineBuf::default();
                let record = Record::Request {
                    id: requests,
                    request,
                };
                let text = format!(
                    "{}\n",
                    encode(requests, &record, &mut line).unwrap_or_default()
                );
                requests += 1;
                let at = string(&text, &mut data);
                main.esi(at).call(SAY).call(ECHO);
            }
            Action::Pending(vector) => {
                let (yes, no) = (
                    string(&pending(vector, true), &mut data),
                    string(&pending(vector, false), &mut data),
                );
                let word = LAPIC_IRR + 0x10 * u32::from(vector / 32);
                main.bytes(&[0xa1]).imm(word); // mov eax, [IRR word]
                main.bytes(&[0xa9]).imm(1 << (vector % 32)); // test eax, bit
                main.say_if(JNZ, yes, no);
            }
            Action::Window => {
                main.bytes(&[0xfb, 0x90, 0xfa]); // sti; nop; cli
            }
            Action::Eoi => {
                main.store(LAPIC_EOI, 0);
            }
            Action::Taken(times) => {
                let (yes, no) = (
                    string(&taken(times, true), &mut data),
                    string(&taken(times, false), &mut data),
                );
                main.bytes(&[0x83, 0x3d]).imm(COUNT).bytes(&[times]); // cmp dword [COUNT], n
                main.say_if(JZ, yes, no);
            }
            Action::RemoteIrr(pin) => {
                let (yes, no) = (
                    string(&remote_irr(pin, true), &mut data),
                    string(&remote_irr(pin, false), &mut data),
                );
                main.store(IOREGSEL, 0x10 + 2 * u32::from(pin));
                main.bytes(&[0xa1]).imm(IOWIN); // mov eax, [IOWIN]
                main.bytes(&[0xa9]).imm(1 << 14); // test eax, Remote IRR
                main.say_if(JNZ, yes, no);
            }
            Action::Hang => {
                main.bytes(&[0xfa, 0xf4, 0xeb, 0xfd]); // cli; hlt; jmp hlt
            }
        }
    }
    // mov dx, 0xf4; xor eax, eax; out dx, al; hlt; jmp hlt
    main.bytes(&[0x66, 0xba, 0xf4, 0x00, 0x31, 0xc0, 0xee, 0xf4, 0xeb, 0xfd]);
    assert!(
        main.here() <= SAY,
        "the probe's main code overran its subroutines"
    );

    let mut image = main.0;
    let at = |image: &mut Vec<u8>, addr: u32, bytes: &[u8]| {
        image.resize((addr - BASE) as usize, 0x90);
        image.extend_from_slice(bytes);
    };
    // SAY: print the NUL-terminated string at esi on COM1.
    at(
        &mut image,
        SAY,
        &[
            0x66, 0xba, 0xf8, 0x03, // mov dx, 0x3f8
            0xac, // lodsb
            0x84, 0xc0, // test al, al
            0x74, 0x03, // jz ret
            0xee, // out dx, al
            0xeb, 0xf8, // jmp lodsb
            0xc3, // ret
        ],
    );
    // ECHO: wait for LSR.DR, copy bytes from RBR to THR until a newline.
    at(
        &mut image,
        ECHO,
        &[
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
        ],
    );
    // The handler: inc dword [COUNT]; iret.
    let mut handler = vec![0xff, 0x05];
    handler.extend(COUNT.to_le_bytes());
    handler.push(0xcf);
    at(&mut image, HANDLER, &handler);
    // IDTR: limit, base.
    let mut idtr = (256u16 * 8 - 1).to_le_bytes().to_vec();
    idtr.extend(IDT.to_le_bytes());
    at(&mut image, IDTR, &idtr);
    at(&mut image, COUNT, &[0; 4]);
    // The IDT: a 32-bit interrupt gate (present, DPL 0, type 0xE) for the level vector only.
    let mut idt = vec![0u8; 256 * 8];
    let gate = 8 * usize::from(LEVEL_VECTOR);
    idt[gate..gate + 2].copy_from_slice(&(HANDLER as u16).to_le_bytes());
    idt[gate + 2..gate + 4].copy_from_slice(&CODE_SELECTOR.to_le_bytes());
    idt[gate + 5] = 0x8e;
    idt[gate + 6..gate + 8].copy_from_slice(&((HANDLER >> 16) as u16).to_le_bytes());
    at(&mut image, IDT, &idt);
    at(&mut image, DATA, &data);
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

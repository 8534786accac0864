//! Leaving EL2 for EL1 at entry, so the cases always run at EL1, as they do under KVM or Xen.
//!
//! QEMU with `virtualization=on` (the `gicv4-its` target: QEMU offers GICv4 only with EL2)
//! enters the image at EL2, and its PSCI CPU_ON starts the secondary CPUs there too. Both come
//! through [`crate::mmu`]'s `enable_mmu`, which aarch64-rt's `entry` and `secondary_entry` call
//! first, with the MMU off; at EL2 it branches to `el2_to_el1` below, which makes EL2 a
//! transparent layer and returns to EL1 (Arm ARM, DDI 0487, register names as in chapter D23
//! (AArch64 system registers) and, for the GIC, IHI 0069 §12):
//!
//! - HCR_EL2 = RW: EL1 is AArch64; no stage 2 (VM = 0), no traps (TSC, TWI, TWE, TID*, TACR,
//!   ... = 0), no virtual interrupts (IMO = FMO = AMO = 0: physical IRQ, FIQ and SError are
//!   taken to EL1), TGE = 0, E2H = 0 (the non-VHE register layout the writes below assume).
//! - SCTLR_EL1 = its RES1 bits: MMU and caches off, a known state for aarch64-rt's MMU set-up.
//! - CPTR_EL2 (E2H = 0 layout) = 0x33ff: RES1 bits 13, 9 and 7:0 set, TFP (10) = 0 so FP/SIMD
//!   is not trapped; TZ (8) and TSM (12) set (trap SVE and SME, which the guest never uses, and
//!   RES1 where they are not implemented); TTA, TAM, TCPAC = 0. HSTR_EL2 = 0.
//! - MDCR_EL2: no debug or PMU traps (TDE, TDA, TDOSA, TDRA, TPM, TPMCR = 0); HPMN =
//!   PMCR_EL0.N when a PMU is implemented (ID_AA64DFR0_EL1.PMUVer), so EL1 sees every counter.
//! - CNTHCTL_EL2 = EL1PCTEN | EL1PCEN: EL1 may use the physical counter and timer. CNTVOFF_EL2 =
//!   0: the virtual count the cases read (CNTVCT_EL0) is the physical count.
//! - VTTBR_EL2 = 0 (stage 2 is off anyway: VMID 0, no table).
//! - VPIDR_EL2 = MIDR_EL1, VMPIDR_EL2 = MPIDR_EL1: EL1 reads of MIDR_EL1 and MPIDR_EL1 return
//!   these, so EL1 sees the real IDs ([`crate::smp`] and the redistributor search match MPIDR).
//! - GICv3 CPU interface, when ID_AA64PFR0_EL1.GIC says the system registers exist (also on a
//!   GICv2 machine with `-cpu max`): ICC_SRE_EL2 |= SRE | Enable, so EL1 may set ICC_SRE_EL1.SRE
//!   and its ICC_* accesses are not trapped; ICH_HCR_EL2 = 0 (the virtual CPU interface off:
//!   with IMO = FMO = 0, EL1's ICC_* accesses reach the physical CPU interface).
//! - Fine-grained traps, where FEAT_FGT is implemented (ID_AA64MMFR0_EL1.FGT): HFGRTR_EL2,
//!   HFGWTR_EL2, HFGITR_EL2, HDFGRTR_EL2, HDFGWTR_EL2 = 0 (their reset values are UNKNOWN).
//!   HCRX_EL2 = 0 where FEAT_HCX is (ID_AA64MMFR1_EL1.HCX).
//! - SPSR_EL2 = EL1h with D, A, I and F masked; ELR_EL2 = the continuation; `eret`.
//!
//! x0-x7 and x30 are untouched, so x0 (the device tree at boot, the stack for a secondary)
//! crosses to EL1 intact. The PSCI conduit stays what the device tree says: SMC under
//! `virtualization=on`, which HCR_EL2.TSC = 0 leaves untrapped, to QEMU's firmware.
//!
//! Where E2H cannot be cleared (HCR_EL2.E2H RES1: FEAT_E2H0 not implemented), the `*_EL1`
//! names used here would reach EL2's registers, so the routine touches nothing else and
//! returns at EL2: the guest carries on there as before and [`crate::runner`] says so.

use core::arch::global_asm;

/// HCR_EL2.RW: EL1 is AArch64.
const HCR_EL2_RW: u64 = 1 << 31;
/// HCR_EL2.E2H (bit 34): checked after the write; set means RES1.
const HCR_EL2_E2H_BIT: u32 = 34;
/// SCTLR_EL1 with the MMU, caches and alignment checks off: only the bits that are RES1 in
/// Armv8.0 (11 EOS, 20 TSCXT, 22 EIS, 23 SPAN, 28 nTLSMD, 29 LSMAOE).
const SCTLR_EL1_MMU_OFF: u64 =
    (1 << 11) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 28) | (1 << 29);
/// CPTR_EL2 (E2H = 0): RES1 13, 9, 7:0; TSM (12) and TZ (8) set; TFP (10) clear.
const CPTR_EL2_VALUE: u64 = 0x33ff;
/// CNTHCTL_EL2 (E2H = 0): EL1PCTEN (0) | EL1PCEN (1).
const CNTHCTL_EL2_VALUE: u64 = 0b11;
/// ICC_SRE_EL2: SRE (0) | Enable (3).
const ICC_SRE_EL2_SRE_ENABLE: u64 = (1 << 0) | (1 << 3);
/// SPSR_EL2: D, A, I, F masked (bits 9:6), M = EL1h (0b0101).
const SPSR_EL1H_MASKED: u64 = 0x3c5;

// `el2_to_el1`: called with `b` from `enable_mmu` at EL2, MMU off. x9 = where to continue:
// at EL1 after the `eret`, or at EL2 (a plain branch) when E2H cannot be cleared. Clobbers
// x10 and x11 only; x0-x8 and x30 are preserved. Uses no stack and no memory.
// SAFETY: runs once per CPU, at EL2 before its MMU is on and before any Rust code, called only
// from `enable_mmu` (mmu.rs), whose callers (aarch64-rt's entry points) expect x8-x17 clobbered
// and keep what they need in x0-x3, x19-x20 and x30, none of which this touches. It writes only
// EL2 control registers and SCTLR_EL1 (MMU off, as it already is), which no code has relied on
// yet, and every write that depends on a feature is gated on its ID register field; the
// `eret` lands at the caller's continuation at EL1 with every interrupt masked.
global_asm!(
    r".macro mov_i, reg:req, imm:req",
    r"movz \reg, :abs_g3:\imm",
    r"movk \reg, :abs_g2_nc:\imm",
    r"movk \reg, :abs_g1_nc:\imm",
    r"movk \reg, :abs_g0_nc:\imm",
    r".endm",
    ".section .init.el2, \"ax\"",
    ".global el2_to_el1",
    "el2_to_el1:",
    // HCR_EL2 first: every *_EL1 name below means the EL1 register only with E2H = 0.
    "mov_i x10, {hcr}",
    "msr hcr_el2, x10",
    "isb",
    "mrs x10, hcr_el2",
    "tbnz x10, #{e2h}, 9f",
    "mov_i x10, {sctlr}",
    "msr sctlr_el1, x10",
    "mov_i x10, {cptr}",
    "msr cptr_el2, x10",
    "msr hstr_el2, xzr",
    // MDCR_EL2.HPMN = PMCR_EL0.N if ID_AA64DFR0_EL1.PMUVer is neither 0 (none) nor 0xf
    // (IMPLEMENTATION DEFINED); every trap bit 0.
    "mov x10, #0",
    "mrs x11, id_aa64dfr0_el1",
    "ubfx x11, x11, #8, #4",
    "cbz x11, 1f",
    "cmp x11, #0xf",
    "b.eq 1f",
    "mrs x10, pmcr_el0",
    "ubfx x10, x10, #11, #5",
    "1:",
    "msr mdcr_el2, x10",
    "mov x10, #{cnthctl}",
    "msr cnthctl_el2, x10",
    "msr cntvoff_el2, xzr",
    "msr vttbr_el2, xzr",
    "mrs x10, midr_el1",
    "msr vpidr_el2, x10",
    "mrs x10, mpidr_el1",
    "msr vmpidr_el2, x10",
    // ID_AA64PFR0_EL1.GIC (bits 27:24) != 0: the GIC system registers exist.
    "mrs x11, id_aa64pfr0_el1",
    "ubfx x11, x11, #24, #4",
    "cbz x11, 2f",
    "mrs x10, S3_4_C12_C9_5", // ICC_SRE_EL2
    "mov x11, #{sre}",
    "orr x10, x10, x11",
    "msr S3_4_C12_C9_5, x10",
    "isb",
    "msr S3_4_C12_C11_0, xzr", // ICH_HCR_EL2
    "2:",
    // ID_AA64MMFR0_EL1.FGT (bits 59:56) != 0: fine-grained traps exist.
    "mrs x11, id_aa64mmfr0_el1",
    "ubfx x11, x11, #56, #4",
    "cbz x11, 3f",
    "msr S3_4_C1_C1_4, xzr", // HFGRTR_EL2
    "msr S3_4_C1_C1_5, xzr", // HFGWTR_EL2
    "msr S3_4_C1_C1_6, xzr", // HFGITR_EL2
    "msr S3_4_C3_C1_4, xzr", // HDFGRTR_EL2
    "msr S3_4_C3_C1_5, xzr", // HDFGWTR_EL2
    "3:",
    // ID_AA64MMFR1_EL1.HCX (bits 43:40) != 0: HCRX_EL2 exists.
    "mrs x11, id_aa64mmfr1_el1",
    "ubfx x11, x11, #40, #4",
    "cbz x11, 4f",
    "msr S3_4_C1_C2_2, xzr", // HCRX_EL2
    "4:",
    "mov x10, #{spsr}",
    "msr spsr_el2, x10",
    "msr elr_el2, x9",
    "isb",
    "eret",
    // E2H is RES1: stay at EL2.
    "9:",
    "br x9",
    ".purgem mov_i",
    hcr = const HCR_EL2_RW,
    e2h = const HCR_EL2_E2H_BIT,
    sctlr = const SCTLR_EL1_MMU_OFF,
    cptr = const CPTR_EL2_VALUE,
    cnthctl = const CNTHCTL_EL2_VALUE,
    sre = const ICC_SRE_EL2_SRE_ENABLE,
    spsr = const SPSR_EL1H_MASKED,
);

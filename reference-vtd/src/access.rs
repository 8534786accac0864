//! Register accesses the model ignored, and why: diagnostics for the comparator.
//!
//! Invariants:
//! - An ignored access changed nothing and (for a read) returned 0.
//! - Architecturally defined "reads as 0 / writes ignored" behaviour is *not* an ignored
//!   access; only accesses outside the register map, of the wrong width, against the access
//!   rights, in the wrong mode, or to a device that does not exist are.

/// Why an access was ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IgnoreReason {
    /// Nothing is mapped at this offset (a reserved register).
    Unmapped,
    /// The offset is not aligned to the register or lies outside the window.
    Misaligned,
    /// A read of a write-only register.
    WriteOnly,
    /// A write to a read-only register.
    ReadOnly,
    /// The access width is not allowed here.
    Width,
    /// The component is not in the mode that offers this interface (the xAPIC page while the
    /// APIC is disabled or in x2APIC mode).
    WrongMode,
    /// The CPU does not exist, or the machine has no such unit.
    NoSuchDevice,
}

/// Which register space an access went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// A CPU's xAPIC page.
    Lapic(usize),
    /// The IOAPIC window.
    Ioapic,
    /// The remapping unit's registers.
    Dmar,
}

/// Read or write (with the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// A read (it returned 0).
    Read,
    /// A write of this value (dropped).
    Write(u64),
}

/// An access the model ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IgnoredAccess {
    /// Where.
    pub space: Space,
    /// Byte offset.
    pub offset: u32,
    /// Width in bytes.
    pub width: u8,
    /// Read or write.
    pub kind: AccessKind,
    /// Why.
    pub reason: IgnoreReason,
}

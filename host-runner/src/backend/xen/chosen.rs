//! The device-tree source Xen needs in `/chosen` to boot one dom0less domU: Xen's own command
//! line and a `xen,domain` node whose kernel module is the guest Image QEMU placed in RAM
//! (Xen's `docs/misc/arm/device-tree/booting.txt`, "Creating Multiple Domains directly from
//! Xen"). The text is a second root block appended to QEMU's own DTS: dtc merges it into the
//! `/chosen` node QEMU wrote.

use std::fmt::Write;

/// Xen's command line: its console on the board's first UART, serial input kept on Xen (so the
/// `(XEN) DOM1: ` prefix stays and the debug key `R` ends the run).
pub const XEN_BOOTARGS: &str = "console=dtuart dtuart=serial0 conswitch=ax";

/// One dom0less domU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Domain<'a> {
    /// Its RAM, in KiB.
    pub memory_kib: u64,
    /// Its vCPUs.
    pub cpus: u8,
    /// Where the guest Image lies in the machine's memory.
    pub image_addr: u64,
    /// The Image's exact size in bytes (Xen copies this much).
    pub image_size: u64,
    /// The guest's command line (`/chosen/bootargs` in the device tree Xen gives it).
    pub bootargs: &'a str,
}

/// `s` as a DTS string literal.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A 64-bit value as two DTS cells.
fn cells(v: u64) -> String {
    format!("{:#x} {:#x}", v >> 32, v & 0xffff_ffff)
}

/// The root block that adds Xen's command line and `domain` as `domU1` to `/chosen`.
pub fn overlay(domain: &Domain<'_>) -> String {
    let mut s = String::new();
    // Writing into a String cannot fail.
    let _ = write!(
        s,
        "\n/ {{\n\tchosen {{\n\
         \t\t#address-cells = <2>;\n\
         \t\t#size-cells = <2>;\n\
         \t\txen,xen-bootargs = {xen};\n\
         \t\tdomU1 {{\n\
         \t\t\tcompatible = \"xen,domain\";\n\
         \t\t\t#address-cells = <2>;\n\
         \t\t\t#size-cells = <2>;\n\
         \t\t\tmemory = <{memory}>;\n\
         \t\t\tcpus = <{cpus}>;\n\
         \t\t\tvpl011;\n\
         \t\t\tmodule@{addr:x} {{\n\
         \t\t\t\tcompatible = \"multiboot,kernel\", \"multiboot,module\";\n\
         \t\t\t\treg = <{reg_addr} {reg_size}>;\n\
         \t\t\t\tbootargs = {args};\n\
         \t\t\t}};\n\
         \t\t}};\n\
         \t}};\n}};\n",
        xen = quoted(XEN_BOOTARGS),
        memory = cells(domain.memory_kib),
        cpus = domain.cpus,
        addr = domain.image_addr,
        reg_addr = cells(domain.image_addr),
        reg_size = cells(domain.image_size),
        args = quoted(domain.bootargs),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUEST: Domain<'static> = Domain {
        memory_kib: 128 * 1024,
        cpus: 2,
        image_addr: 0x5000_0000,
        image_size: 200_736,
        bootargs: "irqsuite.run=3f irqsuite.inject=0",
    };

    #[test]
    fn chosen_holds_xen_bootargs_and_one_domain_with_the_image_as_its_kernel() {
        insta::assert_snapshot!(overlay(&GUEST), @r#"
        / {
        	chosen {
        		#address-cells = <2>;
        		#size-cells = <2>;
        		xen,xen-bootargs = "console=dtuart dtuart=serial0 conswitch=ax";
        		domU1 {
        			compatible = "xen,domain";
        			#address-cells = <2>;
        			#size-cells = <2>;
        			memory = <0x0 0x20000>;
        			cpus = <2>;
        			vpl011;
        			module@50000000 {
        				compatible = "multiboot,kernel", "multiboot,module";
        				reg = <0x0 0x50000000 0x0 0x31020>;
        				bootargs = "irqsuite.run=3f irqsuite.inject=0";
        			};
        		};
        	};
        };
        "#);
    }

    #[test]
    fn module_reg_carries_the_exact_image_size_and_a_load_address_above_4_gib() {
        let big = Domain {
            image_addr: 0x1_2000_0000,
            image_size: 0x1_0000_0001,
            ..GUEST
        };
        let text = overlay(&big);
        assert!(text.contains("module@120000000 {"), "{text}");
        assert!(text.contains("reg = <0x1 0x20000000 0x1 0x1>;"), "{text}");
    }

    #[test]
    fn quotes_and_backslashes_in_bootargs_are_escaped() {
        let odd = Domain {
            bootargs: r#"a="b" c\d"#,
            ..GUEST
        };
        assert!(overlay(&odd).contains(r#"bootargs = "a=\"b\" c\\d";"#));
    }
}

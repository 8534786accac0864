//! The initramfs of the `kvm-arm64` backend, written here because the machines have no `cpio`:
//! the "newc" format the kernel unpacks (`070701` headers with 13 eight-digit hexadecimal fields,
//! each name and each file's data padded to 4 bytes, ended by `TRAILER!!!`).

/// The magic of a newc header.
const MAGIC: &[u8; 6] = b"070701";
/// The name of the entry that ends the archive.
pub const TRAILER: &str = "TRAILER!!!";
/// File type bits of `mode`.
const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFCHR: u32 = 0o020000;

/// A newc archive being written.
#[derive(Default)]
pub struct Initramfs {
    bytes: Vec<u8>,
    next_ino: u32,
}

/// What one header holds besides the name.
struct Entry {
    mode: u32,
    nlink: u32,
    rdev: (u32, u32),
}

impl Initramfs {
    /// An empty archive.
    pub fn new() -> Initramfs {
        Initramfs::default()
    }

    /// A directory `path` (no leading `/`), mode 0755.
    pub fn dir(&mut self, path: &str) -> &mut Initramfs {
        let entry = Entry {
            mode: S_IFDIR | 0o755,
            nlink: 2,
            rdev: (0, 0),
        };
        self.push(path, entry, &[])
    }

    /// A regular file `path` with permissions `perm` (0755 for `/init`) holding `data`.
    pub fn file(&mut self, path: &str, perm: u32, data: &[u8]) -> &mut Initramfs {
        let entry = Entry {
            mode: S_IFREG | (perm & 0o7777),
            nlink: 1,
            rdev: (0, 0),
        };
        self.push(path, entry, data)
    }

    /// A character device `path` (mode 0600) with device number `major:minor`.
    pub fn char_device(&mut self, path: &str, major: u32, minor: u32) -> &mut Initramfs {
        let entry = Entry {
            mode: S_IFCHR | 0o600,
            nlink: 1,
            rdev: (major, minor),
        };
        self.push(path, entry, &[])
    }

    /// The archive, with its trailer.
    pub fn finish(mut self) -> Vec<u8> {
        let trailer = Entry {
            mode: 0,
            nlink: 1,
            rdev: (0, 0),
        };
        self.next_ino = 0;
        self.push(TRAILER, trailer, &[]);
        self.bytes
    }

    fn push(&mut self, name: &str, entry: Entry, data: &[u8]) -> &mut Initramfs {
        let ino = if name == TRAILER {
            0
        } else {
            self.next_ino += 1;
            self.next_ino
        };
        let fields = [
            ino,
            entry.mode,
            0, // uid
            0, // gid
            entry.nlink,
            0, // mtime: fixed, so the archive depends on its contents only
            u32::try_from(data.len()).expect("an initramfs file under 4 GiB"),
            0, // devmajor
            0, // devminor
            entry.rdev.0,
            entry.rdev.1,
            u32::try_from(name.len() + 1).expect("a short name"),
            0, // check
        ];
        self.bytes.extend_from_slice(MAGIC);
        for field in fields {
            self.bytes
                .extend_from_slice(format!("{field:08X}").as_bytes());
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
        self
    }

    /// Zeros up to the next multiple of 4 (the archive starts aligned).
    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One entry read back: name, mode, nlink, rdev, data.
    #[derive(Debug, PartialEq)]
    struct Parsed {
        name: String,
        mode: u32,
        nlink: u32,
        rdev: (u32, u32),
        data: Vec<u8>,
    }

    /// A newc reader, as the kernel's (init/initramfs.c) reads: checks the magic, the 4-byte
    /// alignment of every header and data block, and that the archive ends at the trailer.
    fn parse(archive: &[u8]) -> Vec<Parsed> {
        let mut at = 0usize;
        let mut out = Vec::new();
        loop {
            assert!(at.is_multiple_of(4), "header at {at} is not 4-byte aligned");
            assert_eq!(&archive[at..at + 6], MAGIC, "magic at {at}");
            let field = |i: usize| {
                let s = std::str::from_utf8(&archive[at + 6 + 8 * i..at + 14 + 8 * i]).unwrap();
                assert!(s.bytes().all(|b| b.is_ascii_hexdigit()), "field {i}: {s:?}");
                u32::from_str_radix(s, 16).unwrap()
            };
            let (mode, nlink, size, namesize) = (field(1), field(4), field(6), field(11));
            let rdev = (field(9), field(10));
            let name_at = at + 110;
            let name = &archive[name_at..name_at + namesize as usize];
            assert_eq!(name.last(), Some(&0), "name ends with NUL");
            let name = String::from_utf8(name[..name.len() - 1].to_vec()).unwrap();
            let data_at = (name_at + namesize as usize).next_multiple_of(4);
            assert!(
                archive[name_at + namesize as usize..data_at]
                    .iter()
                    .all(|&b| b == 0)
            );
            let data = archive[data_at..data_at + size as usize].to_vec();
            at = (data_at + size as usize).next_multiple_of(4);
            if name == TRAILER {
                assert_eq!(at, archive.len(), "nothing after the trailer");
                return out;
            }
            out.push(Parsed {
                name,
                mode,
                nlink,
                rdev,
                data,
            });
        }
    }

    #[test]
    fn entries_read_back_with_their_type_mode_and_contents() {
        let mut cpio = Initramfs::new();
        cpio.dir("dev")
            .char_device("dev/console", 5, 1)
            .file("init", 0o755, b"\x7fELF...")
            .file("guest.img", 0o644, b"ARM\x64");
        let parsed = parse(&cpio.finish());
        let summary: Vec<_> = parsed
            .iter()
            .map(|p| (p.name.as_str(), p.mode, p.nlink, p.rdev, p.data.as_slice()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("dev", 0o040755, 2, (0, 0), &b""[..]),
                ("dev/console", 0o020600, 1, (5, 1), &b""[..]),
                ("init", 0o100755, 1, (0, 0), &b"\x7fELF..."[..]),
                ("guest.img", 0o100644, 1, (0, 0), &b"ARM\x64"[..]),
            ]
        );
    }

    #[test]
    fn names_and_data_of_every_length_are_padded_to_four_bytes() {
        for name_len in 1..6 {
            for data_len in 0..6 {
                let name = "n".repeat(name_len);
                let data = vec![0xa5; data_len];
                let mut cpio = Initramfs::new();
                cpio.file(&name, 0o644, &data).dir("after");
                let archive = cpio.finish();
                assert!(archive.len().is_multiple_of(4));
                let parsed = parse(&archive);
                assert_eq!(parsed[0].name, name);
                assert_eq!(parsed[0].data, data);
                assert_eq!(parsed[1].name, "after");
            }
        }
    }

    #[test]
    fn the_header_fields_are_eight_uppercase_hex_digits_with_unique_inodes() {
        let mut cpio = Initramfs::new();
        cpio.dir("a").dir("b");
        let archive = cpio.finish();
        let header = std::str::from_utf8(&archive[..110]).unwrap();
        assert_eq!(&header[..6], "070701");
        assert_eq!(&header[6..14], "00000001", "ino");
        assert_eq!(&header[14..22], "000041ED", "mode: directory 0755");
        assert_eq!(&header[94..102], "00000002", "namesize counts the NUL");
        let inodes: Vec<&str> = archive
            .windows(6)
            .enumerate()
            .filter(|(_, w)| w == MAGIC)
            .map(|(i, _)| std::str::from_utf8(&archive[i + 6..i + 14]).unwrap())
            .collect();
        assert_eq!(inodes, ["00000001", "00000002", "00000000"]);
    }

    #[test]
    fn an_empty_archive_is_only_the_trailer() {
        let archive = Initramfs::new().finish();
        assert!(parse(&archive).is_empty());
        assert_eq!(&archive[110..121], b"TRAILER!!!\0");
    }
}

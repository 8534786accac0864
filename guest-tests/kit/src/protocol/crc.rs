//! CRC-16/CCITT-FALSE (poly 0x1021, init 0xffff, no reflection), bitwise: records are short and
//! the guest has no room for tables it does not need.

/// The CRC-16/CCITT-FALSE of `bytes`.
pub const fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xffff;
    let mut i = 0;
    while i < bytes.len() {
        crc ^= (bytes[i] as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        i += 1;
    }
    crc
}

//! The bytes `np.save` writes, built by hand (independent of the readers
//! under test): magic "\x93NUMPY", version `major`.0, the header length
//! (format 1: u16, format 2: u32, little-endian), the dict literal padded
//! with spaces and ended by '\n' so that the data starts at a multiple of
//! 64, then the data as given.
#![allow(dead_code)]

/// A file whose header is the dict literal `dict` (for malformed headers).
pub fn npy_with_header(major: u8, dict: &str, data: &[u8]) -> Vec<u8> {
    let mut h = dict.to_string();
    let prefix = if major == 1 { 10 } else { 12 };
    while !(prefix + h.len() + 1).is_multiple_of(64) {
        h.push(' ');
    }
    h.push('\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend([major, 0]);
    if major == 1 {
        out.extend((h.len() as u16).to_le_bytes());
    } else {
        out.extend((h.len() as u32).to_le_bytes());
    }
    out.extend(h.as_bytes());
    out.extend(data);
    out
}

/// `np.save` of an array with dtype `descr` ("<f8", "<i8", ...), the order
/// flag (`np.asfortranarray` data is written column by column and says
/// `'fortran_order': True`) and `shape` ("(3, 2)"), in format `major`.0.
pub fn npy_file(major: u8, descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let order = if fortran { "True" } else { "False" };
    let dict = format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
    npy_with_header(major, &dict, data)
}

/// [`npy_file`] in format 1.0 (what `np.save` writes for small headers).
pub fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    npy_file(1, descr, fortran, shape, data)
}

/// Little-endian bytes of i64 values.
pub fn i64_bytes(v: &[i64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Little-endian bytes of f64 values.
pub fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

//! The `.npy` header, shared by the data reader (`io::data`) and the
//! samples reader (`oracle::samples_npy`): a shape guard before npyz sees
//! the header, and where the data starts.

/// Opens npy bytes with npyz after refusing a header whose shape has a
/// product of nonzero dimensions beyond u64 (npyz multiplies the
/// dimensions unchecked: a panic in debug builds, a wrapped count in
/// release). The error is a message for the caller's context.
pub fn open(bytes: &[u8]) -> Result<npyz::NpyFile<&[u8]>, String> {
    if let Some(shape) = header_shape(bytes) {
        let mut n: u64 = 1;
        for &d in shape.iter().filter(|&&d| d != 0) {
            n = n
                .checked_mul(d)
                .ok_or_else(|| format!("the shape {shape:?} is impossibly large"))?;
        }
    }
    npyz::NpyFile::new(bytes).map_err(|e| e.to_string())
}

/// The dimensions of the header's `'shape': (...)` entry when they read as
/// u64 integers; None otherwise (npyz then reports the fault).
fn header_shape(bytes: &[u8]) -> Option<Vec<u64>> {
    let (start, len) = header_span(bytes)?;
    let header = bytes.get(start..start.saturating_add(len).min(bytes.len()))?;
    let text = std::str::from_utf8(header).ok()?;
    let key = text.find("'shape'").or_else(|| text.find("\"shape\""))?;
    let after = &text[key + "'shape'".len()..];
    let open = after.find(['(', '['])?;
    let close = after[open..].find([')', ']'])? + open;
    after[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<u64>().ok())
        .collect()
}

/// Where the header starts and its claimed length: after the magic (6
/// bytes), the version (2) and the length (u16 in format 1, u32 in formats
/// 2 and 3); None when the file is too short to say.
fn header_span(bytes: &[u8]) -> Option<(usize, usize)> {
    match bytes.get(6)? {
        1 => Some((
            10,
            u16::from_le_bytes([*bytes.get(8)?, *bytes.get(9)?]) as usize,
        )),
        _ => {
            let b = bytes.get(8..12)?;
            Some((12, u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize))
        }
    }
}

/// Where the data starts (after the header). Called after npyz has parsed
/// the header, so the span exists; a file too short to say has no data.
pub fn data_offset(bytes: &[u8]) -> usize {
    header_span(bytes).map_or(bytes.len(), |(start, len)| start + len)
}

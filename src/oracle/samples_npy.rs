//! Sampled counts saved by `np.save(counts)` (spec FMT-CHECK-CSV): a 2-D
//! array m x (hidden layers), or 1-D for one hidden layer; integer dtypes
//! (int32/int64/uint32/uint64) or floats (float32/float64) whose values are
//! exactly whole.

use super::samples::MAX_SAMPLE_ROWS;
use crate::error::{Error, Result};

/// Parses npy bytes into rows of counts checked against `widths`.
pub fn parse_samples_npy(bytes: &[u8], widths: &[usize], name: &str) -> Result<Vec<Vec<usize>>> {
    let fmt = |m: String| Error::format(format!("samples file {name} (npy)"), m);
    let npy = crate::io::npy::open(bytes).map_err(fmt)?;
    let shape = npy.shape().to_vec();
    let (m, d) = match shape[..] {
        [m] if widths.len() == 1 => (m as usize, 1),
        [m, d] => (m as usize, d as usize),
        _ => {
            return Err(fmt(format!(
                "expected an array of shape (samples, {}), got shape {shape:?}",
                widths.len()
            )))
        }
    };
    if d != widths.len() {
        return Err(fmt(format!(
            "the array has {d} columns but the network has {} hidden layers (one count per hidden layer)",
            widths.len()
        )));
    }
    if m == 0 {
        return Err(fmt(
            "no data rows (expected one row of counts per sampled network)".into(),
        ));
    }
    if m > MAX_SAMPLE_ROWS {
        return Err(Error::TooCostly(format!(
            "samples file {name} has {m} rows, more than {MAX_SAMPLE_ROWS}; subsample it (see \
             check --power for how many samples detect what)"
        )));
    }
    let (kind, size) = match npy.dtype() {
        npyz::DType::Plain(t) => (t.type_char(), t.size_field()),
        other => {
            return Err(fmt(format!(
                "expected integer or float counts, got dtype {}",
                other.descr()
            )))
        }
    };
    // the header's claim against the data bytes present, before any allocation
    let data = bytes
        .len()
        .saturating_sub(crate::io::npy::data_offset(bytes)) as u64;
    if (m as u64) * (d as u64) * size > data {
        return Err(fmt(format!(
            "the header claims shape {shape:?} of {size}-byte values but the file has only {data} data bytes"
        )));
    }
    let fortran = npy.order() == npyz::Order::Fortran;
    use npyz::TypeChar::{Float, Int, Uint};
    let io = |e: std::io::Error| fmt(e.to_string());
    let values: Vec<Value> = match (kind, size) {
        (Int, 8) => npy.into_vec::<i64>().map_err(io)?.into_iter().map(|v| Value::Int(v as i128)).collect(),
        (Int, 4) => npy.into_vec::<i32>().map_err(io)?.into_iter().map(|v| Value::Int(v as i128)).collect(),
        (Uint, 8) => npy.into_vec::<u64>().map_err(io)?.into_iter().map(|v| Value::Int(v as i128)).collect(),
        (Uint, 4) => npy.into_vec::<u32>().map_err(io)?.into_iter().map(|v| Value::Int(v as i128)).collect(),
        (Float, 8) => npy.into_vec::<f64>().map_err(io)?.into_iter().map(Value::Float).collect(),
        (Float, 4) => npy.into_vec::<f32>().map_err(io)?.into_iter().map(|v| Value::Float(v.into())).collect(),
        _ => {
            return Err(fmt(format!(
                "expected int32, int64, uint32, uint64, float32 or float64 counts, got a {size}-byte {kind:?}"
            )))
        }
    };
    if values.len() != m * d {
        return Err(fmt(format!(
            "the header claims {} values (shape {shape:?}) but the file holds {}",
            m * d,
            values.len()
        )));
    }
    let mut rows = Vec::with_capacity(m);
    for i in 0..m {
        let mut row = Vec::with_capacity(d);
        for (j, &w) in widths.iter().enumerate() {
            let at = format!("row {}, column {}", i + 1, j + 1);
            let v = values[if fortran { j * m + i } else { i * d + j }];
            let outside = |k: &dyn std::fmt::Display| {
                fmt(format!(
                    "{at}: count {k} is outside 0..={w} (layer {} has width {w})",
                    j + 1
                ))
            };
            // widths are below 2^32, so w as f64 is exact and so is the comparison
            let k = match v {
                Value::Int(k) if k < 0 || k > w as i128 => return Err(outside(&k)),
                Value::Int(k) => k as usize,
                Value::Float(x) if x.is_nan() || x.is_infinite() => {
                    return Err(fmt(format!(
                        "{at}: {x} is not a number (expected a whole count)"
                    )))
                }
                Value::Float(x) if x.fract() != 0.0 => {
                    return Err(fmt(format!("{at}: {x} is not a whole number")))
                }
                Value::Float(x) if !(0.0..=w as f64).contains(&x) => return Err(outside(&x)),
                Value::Float(x) => x as usize,
            };
            row.push(k);
        }
        rows.push(row);
    }
    Ok(rows)
}

#[derive(Clone, Copy)]
enum Value {
    Int(i128),
    Float(f64),
}

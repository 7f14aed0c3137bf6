//! Data sources (spec ALG-DATA): built-in generators `ball:R:M`, `cube:A:M`,
//! `gauss:M`, `grid1d:A:M`, and files `csv:PATH`, `npy:PATH` (or a bare
//! path ending in `.csv` / `.npy`). Generators are deterministic functions
//! of the rng; files are validated (ragged rows, NaN/inf, empty: clear
//! errors naming the row and column).

use crate::error::{Error, Result};
use crate::sim::Dataset;
use nalgebra::DMatrix;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use std::path::Path;

/// Largest number of values (m x d) a generator will produce.
pub const MAX_GENERATED_VALUES: usize = 50_000_000;

const SOURCES: &str = "ball:R:M, cube:A:M, gauss:M, grid1d:A:M, csv:PATH, npy:PATH";

/// Loads a data set of dimension `input_dim` from a source string.
pub fn load_data(source: &str, input_dim: usize, rng: &mut ChaCha8Rng) -> Result<Dataset> {
    if input_dim == 0 {
        return Err(Error::input("the input dimension must be at least 1"));
    }
    let s = source.trim();
    let data = if let Some(p) = s.strip_prefix("csv:") {
        read_csv(p)?
    } else if let Some(p) = s.strip_prefix("npy:") {
        read_npy(p)?
    } else if s.ends_with(".csv") {
        read_csv(s)?
    } else if s.ends_with(".npy") {
        read_npy(s)?
    } else {
        return generate(s, input_dim, rng);
    };
    check_scale(&data, s)?;
    if data.dim() != input_dim {
        return Err(Error::input(format!(
            "the data in {s:?} have dimension {} but --input-dim is {input_dim}",
            data.dim()
        )));
    }
    Ok(data)
}

/// Refuses data with a coordinate above [`crate::limits::MAX_SCALE`] in
/// magnitude (spec ALG-LIMITS): such data overflow forward passes and the
/// data-dependent construction; rescaling is the user's call.
pub fn check_scale(data: &Dataset, source: &str) -> Result<()> {
    let max = crate::limits::MAX_SCALE;
    if let Some((i, r)) = data
        .points()
        .row_iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|v| v.abs() > max))
    {
        let v = r
            .iter()
            .find(|v| v.abs() > max)
            .copied()
            .unwrap_or(f64::NAN);
        return Err(Error::input(format!(
            "point {} of {source:?} has the coordinate {v:e}, above the largest data magnitude {max:e}; rescale the data (spec ALG-LIMITS)",
            i + 1
        )));
    }
    Ok(())
}

fn generate(s: &str, d: usize, rng: &mut ChaCha8Rng) -> Result<Dataset> {
    let parts: Vec<&str> = s.split(':').map(str::trim).collect();
    let unknown = || {
        Error::input(format!(
            "unknown data source {s:?}; expected one of {SOURCES}"
        ))
    };
    let arity = |n: usize, form: &str| {
        if parts.len() == n {
            Ok(())
        } else {
            Err(Error::input(format!(
                "data source {s:?}: expected the form {form}"
            )))
        }
    };
    let (gen, m) = match parts[0] {
        "ball" => {
            arity(3, "ball:R:M")?;
            (
                Gen::Ball(positive(parts[1], "ball radius R")?),
                count(parts[2])?,
            )
        }
        "cube" => {
            arity(3, "cube:A:M")?;
            (
                Gen::Cube(positive(parts[1], "cube half-side A")?),
                count(parts[2])?,
            )
        }
        "gauss" => {
            arity(2, "gauss:M")?;
            (Gen::Gauss, count(parts[1])?)
        }
        "grid1d" => {
            arity(3, "grid1d:A:M")?;
            if d != 1 {
                return Err(Error::input(format!(
                    "grid1d data are 1-D but --input-dim is {d}; use --input-dim 1"
                )));
            }
            (
                Gen::Grid(positive(parts[1], "grid half-width A")?),
                count(parts[2])?,
            )
        }
        _ => return Err(unknown()),
    };
    if m.saturating_mul(d) > MAX_GENERATED_VALUES {
        return Err(Error::TooCostly(format!(
            "{m} points in dimension {d} is more than {MAX_GENERATED_VALUES} values; use fewer points"
        )));
    }
    crate::limits::check_bytes(
        &format!("{m} generated points in dimension {d}"),
        8.0 * m as f64 * d as f64,
        "use fewer points",
    )?;
    let mut pts = DMatrix::<f64>::zeros(m, d);
    let mut row = vec![0.0; d];
    for i in 0..m {
        gen.point(i, m, &mut row, rng);
        for (j, v) in row.iter().enumerate() {
            pts[(i, j)] = *v;
        }
    }
    Dataset::new(pts)
}

#[derive(Clone, Copy)]
enum Gen {
    Ball(f64),
    Cube(f64),
    Gauss,
    Grid(f64),
}

impl Gen {
    fn point(self, i: usize, m: usize, out: &mut [f64], rng: &mut ChaCha8Rng) {
        match self {
            // Uniform in the ball: Gaussian direction, radius R U^(1/d).
            Gen::Ball(r) => loop {
                out.iter_mut().for_each(|v| *v = rng.sample(StandardNormal));
                let n = out.iter().map(|v| v * v).sum::<f64>().sqrt();
                if n > 0.0 {
                    let u: f64 = rng.gen();
                    let rad = r * u.powf(1.0 / out.len() as f64);
                    out.iter_mut().for_each(|v| *v *= rad / n);
                    break;
                }
            },
            Gen::Cube(a) => out.iter_mut().for_each(|v| *v = rng.gen_range(-a..=a)),
            Gen::Gauss => out.iter_mut().for_each(|v| *v = rng.sample(StandardNormal)),
            // x_i = -A + 2A i / (M - 1); symmetric: x_{M-1-i} = -x_i exactly.
            Gen::Grid(a) => {
                out[0] = if m == 1 {
                    0.0
                } else {
                    let t = (2 * i) as f64 - (m - 1) as f64; // in [-(m-1), m-1], odd symmetric
                    a * t / (m - 1) as f64
                }
            }
        }
    }
}

fn positive(t: &str, what: &str) -> Result<f64> {
    let v: f64 = t
        .parse()
        .map_err(|_| Error::input(format!("{what}: {t:?} is not a number")))?;
    if !(v.is_finite() && v > 0.0) {
        return Err(Error::input(format!(
            "{what} must be finite and > 0, got {t}"
        )));
    }
    if v > crate::limits::MAX_SCALE {
        return Err(Error::input(format!(
            "{what} is {v:e}, above the largest data scale {:e}; rescale (spec ALG-LIMITS)",
            crate::limits::MAX_SCALE
        )));
    }
    Ok(v)
}

fn count(t: &str) -> Result<usize> {
    let m: usize = t
        .parse()
        .map_err(|_| Error::input(format!("number of points M: {t:?} is not a whole number")))?;
    if m == 0 {
        return Err(Error::input(
            "the number of points M must be at least 1 (empty data)",
        ));
    }
    Ok(m)
}

/// Reads a CSV file: one row per point, comma separated, optional header
/// (detected: a first row with a non-numeric field). Blank lines are skipped.
/// A file with no comma at all is read as whitespace-delimited columns with
/// `#` comment lines (what `np.savetxt` writes by default).
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let bytes = super::read_bounded(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::format(
            format!("CSV file {}", path.display()),
            format!("not UTF-8 text ({e})"),
        )
    })?;
    parse_csv(&text, &path.display().to_string())
}

/// Parses CSV text (see [`read_csv`]); `name` labels error messages.
pub fn parse_csv(text: &str, name: &str) -> Result<Dataset> {
    let fmt = |m: String| Error::format(format!("CSV file {name}"), m);
    let mut rows = Rows::default();
    if text.contains(',') {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        for rec in rdr.records() {
            let rec = rec.map_err(|e| fmt(e.to_string()))?;
            let line = rec.position().map_or(0, |p| p.line());
            let fields: Vec<&str> = rec.iter().collect();
            rows.push(line, &fields).map_err(fmt)?;
        }
    } else {
        // no comma anywhere: whitespace-delimited (as `np.savetxt` writes
        // by default), `#` starts a comment line
        let mut fields: Vec<&str> = Vec::new();
        for (i, l) in text.lines().enumerate() {
            if l.trim_start().starts_with('#') {
                continue;
            }
            fields.clear();
            fields.extend(l.split_whitespace());
            rows.push(i as u64 + 1, &fields).map_err(fmt)?;
        }
    }
    let Some((d, _)) = rows.width else {
        return Err(fmt(
            "no data rows (the file is empty or has only a header)".into()
        ));
    };
    Dataset::new(DMatrix::from_row_slice(rows.flat.len() / d, d, &rows.flat))
}

/// Rows of a data file being read: validated values in one flat vector
/// (one allocation, not one per row).
#[derive(Default)]
struct Rows {
    flat: Vec<f64>,
    width: Option<(usize, u64)>,
    seen_first: bool,
}

impl Rows {
    fn push(&mut self, line: u64, rec: &[&str]) -> std::result::Result<(), String> {
        if rec.iter().all(|f| f.is_empty()) {
            return Ok(());
        }
        if !self.seen_first {
            self.seen_first = true;
            // A header: every field non-empty and not a number.
            if rec
                .iter()
                .all(|f| !f.is_empty() && f.parse::<f64>().is_err())
            {
                return Ok(());
            }
        }
        if let Some((w, l0)) = self.width {
            if rec.len() != w {
                return Err(format!(
                    "line {line} has {} fields but line {l0} has {w} (ragged rows)",
                    rec.len()
                ));
            }
        } else {
            self.width = Some((rec.len(), line));
        }
        for (j, f) in rec.iter().enumerate() {
            if f.is_empty() {
                return Err(format!("line {line}, column {}: empty field", j + 1));
            }
            let v: f64 = f
                .parse()
                .map_err(|_| format!("line {line}, column {}: {f:?} is not a number", j + 1))?;
            if !v.is_finite() {
                return Err(format!(
                    "line {line}, column {}: non-finite value {f:?} (NaN and inf are not data)",
                    j + 1
                ));
            }
            self.flat.push(v);
        }
        Ok(())
    }
}

/// Reads a `.npy` array of f32 or f64 (little or big endian): 1-D = one
/// coordinate per point, 2-D = m x d; C or Fortran order.
pub fn read_npy(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let bytes = super::read_bounded(path)?;
    parse_npy(&bytes, &path.display().to_string())
}

/// Parses npy bytes (see [`read_npy`]); `name` labels error messages.
pub fn parse_npy(bytes: &[u8], name: &str) -> Result<Dataset> {
    let fmt = |m: String| Error::format(format!("npy file {name}"), m);
    let npy = npyz::NpyFile::new(bytes).map_err(|e| fmt(e.to_string()))?;
    let shape = npy.shape().to_vec();
    let order = npy.order();
    let (m, d) = match shape[..] {
        [m] => (m as usize, 1),
        [m, d] => (m as usize, d as usize),
        _ => {
            return Err(fmt(format!(
                "expected a 1-D or 2-D array, got shape {shape:?}"
            )))
        }
    };
    if m == 0 || d == 0 {
        return Err(fmt(format!("the array is empty (shape {shape:?})")));
    }
    // The header's claim against the bytes present, before any allocation.
    let values = m
        .checked_mul(d)
        .filter(|&v| v.checked_mul(8).is_some())
        .ok_or_else(|| fmt(format!("the shape {shape:?} is impossibly large")))?;
    let size = match npy.dtype() {
        npyz::DType::Plain(t) if t.type_char() == npyz::TypeChar::Float => t.size_field(),
        other => {
            return Err(fmt(format!(
                "expected float32 or float64 values, got dtype {}",
                other.descr()
            )))
        }
    };
    // data start after the magic, version, header length and header
    let offset = match bytes.get(6) {
        Some(1) => 10 + u16::from_le_bytes([bytes[8], bytes[9]]) as u64,
        _ => bytes.get(8..12).map_or(0, |b| {
            12 + u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64
        }),
    };
    let have = (bytes.len() as u64).saturating_sub(offset);
    let need = values as u64 * size;
    if need > have {
        return Err(fmt(format!(
            "the header claims shape {shape:?} ({need} bytes of data) but the file has only {have} bytes of data"
        )));
    }
    let flat: Vec<f64> = match size {
        8 => npy.into_vec::<f64>().map_err(|e| fmt(e.to_string()))?,
        4 => npy
            .into_vec::<f32>()
            .map_err(|e| fmt(e.to_string()))?
            .into_iter()
            .map(f64::from)
            .collect(),
        s => {
            return Err(fmt(format!(
                "expected float32 or float64 values, got a {s}-byte float"
            )))
        }
    };
    if flat.len() != values {
        return Err(fmt(format!(
            "the header claims {values} values (shape {shape:?}) but the file holds {}",
            flat.len()
        )));
    }
    let pts = match order {
        npyz::Order::C => DMatrix::from_row_slice(m, d, &flat),
        npyz::Order::Fortran => DMatrix::from_column_slice(m, d, &flat),
    };
    if let Some(msg) = non_finite_message(&pts) {
        return Err(fmt(msg));
    }
    Dataset::new(pts)
}

/// "row i, column j: non-finite value NaN (...)" for the first non-finite
/// entry of a point matrix (column-major order), as the npy reader reports
/// it; also used for arrays passed in memory (the Python package).
pub fn non_finite_message(pts: &DMatrix<f64>) -> Option<String> {
    let k = pts.iter().position(|v| !v.is_finite())?;
    // column-major index k -> (row, col)
    let m = pts.nrows();
    let (i, j) = (k % m, k / m);
    Some(format!(
        "row {}, column {}: non-finite value {} (NaN and inf are not data)",
        i + 1,
        j + 1,
        pts[(i, j)]
    ))
}

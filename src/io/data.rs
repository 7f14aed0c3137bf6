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

/// Loads a data set of dimension `input_dim` from a source string
/// (`--header auto` for text files).
pub fn load_data(source: &str, input_dim: usize, rng: &mut ChaCha8Rng) -> Result<Dataset> {
    Ok(load_data_with(source, input_dim, rng, HeaderMode::Auto)?.0)
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

/// Whether the first line of a text data file is a header (spec
/// FMT-DATA-TEXT).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum HeaderMode {
    /// A first line with no number is a header; one of numbers is data;
    /// a mix, or pandas' unnamed column labels `0,1,...`, is refused.
    #[default]
    Auto,
    /// The first line is a header, whatever it holds.
    Yes,
    /// The first line is data.
    No,
}

impl HeaderMode {
    /// `auto`, `yes` or `no`.
    pub fn name(self) -> &'static str {
        match self {
            HeaderMode::Auto => "auto",
            HeaderMode::Yes => "yes",
            HeaderMode::No => "no",
        }
    }
}

/// What was read from a data source, for the output (FMT-DATA-TEXT).
#[derive(Clone, Debug, PartialEq)]
pub struct DataInfo {
    /// The source as given.
    pub source: String,
    /// `generated`, `text` or `npy`.
    pub kind: &'static str,
    /// Number of points m.
    pub points: usize,
    /// Text files: the header mode asked for.
    pub header_mode: Option<HeaderMode>,
    /// Text files: the header line skipped (1-based line number, text).
    pub header: Option<(u64, String)>,
    /// Text files: `#` comment lines skipped (np.savetxt's header=).
    pub comment_lines: usize,
    /// Text files: `comma` or `whitespace` (of the first data line).
    pub delimiter: Option<&'static str>,
}

impl DataInfo {
    fn new(source: &str, kind: &'static str, points: usize) -> Self {
        DataInfo {
            source: source.to_string(),
            kind,
            points,
            header_mode: None,
            header: None,
            comment_lines: 0,
            delimiter: None,
        }
    }

    /// The JSON object reported by commands under `data`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "source": self.source,
            "kind": self.kind,
            "points": self.points,
            "header_mode": self.header_mode.map(HeaderMode::name),
            "header": self.header.as_ref().map(|(l, t)| serde_json::json!({"line": l, "text": t})),
            "comment_lines": self.comment_lines,
            "delimiter": self.delimiter,
        })
    }

    /// One line for people: source, points, and how the first line was read.
    pub fn describe(&self) -> String {
        let mut s = format!("{} ({} points", self.source, self.points);
        if let Some(d) = self.delimiter {
            s.push_str(&format!(", {d}-delimited"));
        }
        if let Some(mode) = self.header_mode {
            match &self.header {
                Some((l, t)) => s.push_str(&format!(", header line {l} {t:?} skipped")),
                None => s.push_str(", no header"),
            }
            if self.comment_lines > 0 {
                s.push_str(&format!(
                    ", {} # comment line(s) skipped",
                    self.comment_lines
                ));
            }
            s.push_str(&format!("; --header {}", mode.name()));
        }
        s.push(')');
        s
    }
}

/// Loads a data set as [`load_data`] does, with the header mode of text
/// files and a description of what was read.
pub fn load_data_with(
    source: &str,
    input_dim: usize,
    rng: &mut ChaCha8Rng,
    header: HeaderMode,
) -> Result<(Dataset, DataInfo)> {
    if input_dim == 0 {
        return Err(Error::input("the input dimension must be at least 1"));
    }
    let s = source.trim();
    let (data, info) = if let Some(p) = s.strip_prefix("csv:") {
        read_text_with(p, header)?
    } else if let Some(p) = s.strip_prefix("npy:") {
        let d = read_npy(p)?;
        let n = d.len();
        (d, DataInfo::new(s, "npy", n))
    } else if s.ends_with(".npy") {
        let d = read_npy(s)?;
        let n = d.len();
        (d, DataInfo::new(s, "npy", n))
    } else if is_text_path(s) {
        read_text_with(s, header)?
    } else {
        let d = generate(s, input_dim, rng)?;
        let n = d.len();
        return Ok((d, DataInfo::new(s, "generated", n)));
    };
    check_scale(&data, s)?;
    if data.dim() != input_dim {
        return Err(Error::input(format!(
            "the data in {s:?} have dimension {} but --input-dim is {input_dim} (for census: the model's input dimension)",
            data.dim()
        )));
    }
    let mut info = info;
    info.source = s.to_string();
    Ok((data, info))
}

/// A bare path read as text: `.csv`, `.txt`, `.dat`, `.tsv`.
fn is_text_path(s: &str) -> bool {
    [".csv", ".txt", ".dat", ".tsv"]
        .iter()
        .any(|e| s.to_ascii_lowercase().ends_with(e))
}

/// Reads a CSV file with header detection (`--header auto`); see
/// [`parse_text`].
pub fn read_csv(path: impl AsRef<Path>) -> Result<Dataset> {
    Ok(read_text_with(path, HeaderMode::Auto)?.0)
}

/// Reads a text data file (FMT-DATA-TEXT).
pub fn read_text_with(path: impl AsRef<Path>, header: HeaderMode) -> Result<(Dataset, DataInfo)> {
    let path = path.as_ref();
    let bytes = super::read_bounded(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::format(
            format!("data file {}", path.display()),
            format!("not UTF-8 text ({e})"),
        )
    })?;
    parse_text(&text, &path.display().to_string(), header)
}

/// Parses CSV text with `--header auto` (see [`parse_text`]).
pub fn parse_csv(text: &str, name: &str) -> Result<Dataset> {
    Ok(parse_text(text, name, HeaderMode::Auto)?.0)
}

/// Parses a text data file (spec FMT-DATA-TEXT): one point per line;
/// a line with a comma is split at commas, one without at runs of spaces
/// or tabs (`np.savetxt`'s default); fields trimmed, one pair of double
/// quotes removed; blank lines and `#` comment lines skipped; UTF-8 BOM and
/// CRLF accepted. The first other line is a header or data per `header`.
pub fn parse_text(text: &str, name: &str, header: HeaderMode) -> Result<(Dataset, DataInfo)> {
    let fmt = |m: String| Error::format(format!("data file {name}"), m);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut info = DataInfo::new(name, "text", 0);
    info.header_mode = Some(header);
    let mut rows = Rows::default();
    let mut first = true;
    let mut fields: Vec<&str> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let body = raw.trim();
        if body.is_empty() {
            continue;
        }
        if body.starts_with('#') {
            info.comment_lines += 1;
            continue;
        }
        fields.clear();
        let comma = body.contains(',');
        if comma {
            fields.extend(body.split(',').map(unquote));
        } else {
            fields.extend(body.split_whitespace().map(unquote));
        }
        if std::mem::take(&mut first) && is_header(header, &fields, line, body).map_err(fmt)? {
            info.header = Some((line, shorten(body)));
            continue;
        }
        if info.delimiter.is_none() {
            info.delimiter = Some(if comma { "comma" } else { "whitespace" });
        }
        rows.push(line, &fields).map_err(|m| {
            if info.header.is_none() && rows.width.is_none() && header != HeaderMode::Auto {
                fmt(format!(
                    "{m} (--header {}: is line {line} a header? use --header yes)",
                    header.name()
                ))
            } else {
                fmt(m)
            }
        })?;
    }
    let Some((d, _)) = rows.width else {
        return Err(fmt(
            "no data rows (the file is empty or has only a header and comments)".into(),
        ));
    };
    let data = Dataset::new(DMatrix::from_row_slice(rows.flat.len() / d, d, &rows.flat))?;
    info.points = data.len();
    Ok((data, info))
}

fn unquote(f: &str) -> &str {
    let f = f.trim();
    f.strip_prefix('"')
        .and_then(|g| g.strip_suffix('"'))
        .unwrap_or(f)
        .trim()
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(77).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Decides whether the first line is a header (FMT-DATA-TEXT).
fn is_header(
    mode: HeaderMode,
    fields: &[&str],
    line: u64,
    body: &str,
) -> std::result::Result<bool, String> {
    match mode {
        HeaderMode::Yes => Ok(true),
        HeaderMode::No => Ok(false),
        HeaderMode::Auto => {
            let numeric = fields.iter().filter(|f| f.parse::<f64>().is_ok()).count();
            if numeric == 0 {
                return Ok(true);
            }
            if numeric < fields.len() {
                return Err(format!(
                    "line {line} ({:?}) mixes numbers and text, so it is neither a header nor a point; \
                     use --header yes if it is a header, or fix the file",
                    shorten(body)
                ));
            }
            if fields.iter().enumerate().all(|(j, f)| *f == j.to_string()) {
                return Err(format!(
                    "line {line} ({:?}) could be a point or the column labels 0,1,... that pandas writes \
                     for unnamed columns (DataFrame.to_csv); say which with --header yes or --header no",
                    shorten(body)
                ));
            }
            Ok(false)
        }
    }
}

/// Rows of a data file being read: validated values in one flat vector
/// (one allocation, not one per row).
#[derive(Default)]
struct Rows {
    flat: Vec<f64>,
    width: Option<(usize, u64)>,
}

impl Rows {
    fn push(&mut self, line: u64, rec: &[&str]) -> std::result::Result<(), String> {
        if let Some((w, l0)) = self.width {
            if rec.len() != w {
                return Err(format!(
                    "line {line} has {} fields but line {l0} has {w} (ragged rows)",
                    rec.len()
                ));
            }
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
        if self.width.is_none() {
            self.width = Some((rec.len(), line));
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
    let npy = super::npy::open(bytes).map_err(fmt)?;
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
    let offset = super::npy::data_offset(bytes) as u64;
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

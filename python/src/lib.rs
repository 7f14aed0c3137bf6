//! `relu_trainability._native`: the bindings behind the Python package
//! (`python/relu_trainability`). Each function decodes its arguments
//! (arrays arrive as little-endian f64 or u64 bytes with their shape, exact
//! numbers as strings), calls the library the CLI calls, and returns JSON
//! (the CLI's `--format json` documents) or bytes. Nothing is computed
//! here: the main crate is the single source of truth. Long work runs with
//! the GIL released, with the package's budgets (spec ALG-LIMITS) in force.

use nalgebra::{DMatrix, DVector};
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;
use relu_trainability::census::{census, NeuronState};
use relu_trainability::cli::q1_cmd::q1_for;
use relu_trainability::cli::{check_cmd, out::capture};
use relu_trainability::exact::{cost, dyadic_chain, report, BiasMode, ChainSpec};
use relu_trainability::init::data_dependent::{initialize_detailed, DdOptions, Storage};
use relu_trainability::init::{Architecture, InitScheme};
use relu_trainability::io::data::{check_scale, non_finite_message};
use relu_trainability::io::model::{read_bytes_with, Select};
use relu_trainability::limits::{self, Limits};
use relu_trainability::montecarlo::sample_rng;
use relu_trainability::montecarlo::theory::bias_mode;
use relu_trainability::oracle::check::{check_samples, Kind};
use relu_trainability::oracle::laws::power_cost;
use relu_trainability::oracle::power::power_rows;
use relu_trainability::oracle::power_active::active_power_rows;
use relu_trainability::oracle::q1_interval::check_interval;
use relu_trainability::rational::{from_f64_exact, to_f64, to_pq};
use relu_trainability::stats::gof::PValues;
use relu_trainability::sim::{Dataset, Layer, Network};
use relu_trainability::Error;
use std::sync::Mutex;

create_exception!(
    _native,
    TooCostlyError,
    PyValueError,
    "The request exceeds a budget (set_limits raises them); the message says what to do instead."
);

/// The package's budgets, shared by every Python thread.
static LIMITS: Mutex<Limits> = Mutex::new(limits::DEFAULT);

fn current_limits() -> Limits {
    *LIMITS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The crate's errors as Python exceptions, with the CLI's messages.
fn py_err(e: Error) -> PyErr {
    match e {
        Error::TooCostly(_) => TooCostlyError::new_err(e.to_string()),
        Error::Io { .. } => PyOSError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// Runs `f` without the GIL, with the package's budgets in force.
fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> relu_trainability::Result<T> + Send,
) -> PyResult<T> {
    let l = current_limits();
    py.detach(move || {
        limits::set(l);
        f()
    })
    .map_err(py_err)
}

fn f64s(b: &Bound<'_, PyBytes>, n: usize, what: &str) -> PyResult<Vec<f64>> {
    let bytes = b.as_bytes();
    if bytes.len() != 8 * n {
        return Err(PyValueError::new_err(format!(
            "{what}: {} bytes for {n} float64 values",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

fn le_bytes<'py>(py: Python<'py>, vals: impl Iterator<Item = f64>) -> Bound<'py, PyBytes> {
    let v: Vec<u8> = vals.flat_map(f64::to_le_bytes).collect();
    PyBytes::new(py, &v)
}

/// One affine layer as the Python side sends it: (out, in, W row-major, b).
type RawLayer<'py> = (usize, usize, Bound<'py, PyBytes>, Bound<'py, PyBytes>);

fn network(layers: &[RawLayer<'_>]) -> PyResult<Network> {
    let layers = layers
        .iter()
        .enumerate()
        .map(|(k, (out, inp, w, b))| {
            let what = format!("linear layer {}", k + 1);
            let n = out.checked_mul(*inp).ok_or_else(|| {
                PyValueError::new_err(format!("{what}: shape ({out}, {inp}) is too large"))
            })?;
            Ok(Layer {
                weight: DMatrix::from_row_slice(*out, *inp, &f64s(w, n, &what)?),
                bias: DVector::from_vec(f64s(b, *out, &what)?),
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    Network::new(layers).map_err(py_err)
}

fn raw_layers<'py>(py: Python<'py>, net: &Network) -> Vec<RawLayer<'py>> {
    net.layers()
        .iter()
        .map(|l| {
            let w = (0..l.width()).flat_map(|r| (0..l.fan_in()).map(move |c| l.weight[(r, c)]));
            (
                l.width(),
                l.fan_in(),
                le_bytes(py, w),
                le_bytes(py, l.bias.iter().copied()),
            )
        })
        .collect()
}

/// The training inputs, validated as the CLI validates a data file.
fn dataset(x: &Bound<'_, PyBytes>, m: usize, d: usize) -> PyResult<Dataset> {
    let n = m
        .checked_mul(d)
        .ok_or_else(|| PyValueError::new_err("X is too large"))?;
    let pts = DMatrix::from_row_slice(m, d, &f64s(x, n, "X")?);
    if let Some(msg) = non_finite_message(&pts) {
        return Err(py_err(Error::input(format!("X: {msg}"))));
    }
    let data = Dataset::new(pts).map_err(py_err)?;
    check_scale(&data, "X").map_err(py_err)?;
    Ok(data)
}

fn spec(widths: Vec<usize>, bias: &str, q1: &str) -> PyResult<ChainSpec> {
    let bias: BiasMode = bias.parse().map_err(py_err)?;
    ChainSpec::parse(widths, bias, q1).map_err(py_err)
}

fn kind(kind: &str) -> PyResult<Kind> {
    match kind {
        "nonpd" => Ok(Kind::NonPd),
        "active" => Ok(Kind::Active),
        o => Err(PyValueError::new_err(format!(
            "kind {o:?}: expected \"nonpd\" or \"active\""
        ))),
    }
}

fn json(v: &impl serde::Serialize) -> relu_trainability::Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Numerical(e.to_string()))
}

/// Sets the budgets (core-seconds, bytes, bytes per input).
#[pyfunction]
fn set_limits(max_seconds: f64, max_bytes: f64, max_input_bytes: f64) -> PyResult<()> {
    for (name, v) in [
        ("max_seconds", max_seconds),
        ("max_memory_mb", max_bytes),
        ("max_input_mb", max_input_bytes),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(PyValueError::new_err(format!(
                "{name}: a budget must be finite and > 0, got {v}"
            )));
        }
    }
    *LIMITS.lock().unwrap_or_else(|e| e.into_inner()) = Limits {
        max_seconds,
        max_bytes,
        max_input_bytes: max_input_bytes.min(u64::MAX as f64) as u64,
    };
    Ok(())
}

/// The budgets in force: (core-seconds, bytes, bytes per input).
#[pyfunction]
fn get_limits() -> (f64, f64, u64) {
    let l = current_limits();
    (l.max_seconds, l.max_bytes, l.max_input_bytes)
}

/// `trainability exact --format json` (with `summary`: `--summary`).
#[pyfunction]
#[pyo3(signature = (widths, bias, q1, min_widths, summary))]
fn exact(
    py: Python<'_>,
    widths: Vec<usize>,
    bias: &str,
    q1: &str,
    min_widths: Option<Vec<usize>>,
    summary: bool,
) -> PyResult<String> {
    let s = spec(widths, bias, q1)?;
    detached(py, move || {
        let v = if summary {
            report::exact_summary_json(&s, min_widths.as_deref())?
        } else {
            report::exact_json_with_logs(&s, min_widths.as_deref())?
        };
        Ok(v.to_string())
    })
}

/// `trainability exact` (no `--summary`) for the Python `law`: the same
/// checks and the same exact law as `report::exact_json_with_logs`, but each
/// probability crosses as its reduced numerator and denominator in
/// little-endian two's-complement bytes (`int.from_bytes(b, "little",
/// signed=True)`: linear time, where parsing decimal strings is quadratic),
/// with its `_f64` and `_log10` companions as f64 bytes per layer (the
/// JSON's null as NaN and -inf); first the JSON's `widths`, `bias`, `q1`.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn exact_law<'py>(
    py: Python<'py>,
    widths: Vec<usize>,
    bias: &str,
    q1: &str,
) -> PyResult<(
    (Vec<usize>, &'static str, String),
    Vec<Vec<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)>>,
    Vec<Bound<'py, PyBytes>>,
    Vec<Bound<'py, PyBytes>>,
)> {
    let s = spec(widths, bias, q1)?;
    let head = (s.widths.clone(), s.bias.name(), to_pq(&s.q1));
    let layers = detached(py, move || {
        cost::check_exact(&s)?;
        // the output cap of `report::exact_json_logs`, with its message
        if report::predicted_digits(&s) > report::MAX_OUTPUT_BYTES {
            return Err(Error::TooCostly(format!(
                "the exact distributions of widths {:?} would print as more than 256 MiB of digits; \
                 use `--summary` (exact P(born dead) and trainability only), `trainability approx` \
                 (f64 with an error bound), or fewer/narrower layers",
                s.widths
            )));
        }
        let law = dyadic_chain::law(&s, None);
        let or = |v: serde_json::Value, null: f64| v.as_f64().unwrap_or(null);
        Ok(law
            .layers
            .par_iter()
            .map(|d| {
                d.par_iter()
                    .map(|x| {
                        (
                            x.numer().to_signed_bytes_le(),
                            x.denom().to_signed_bytes_le(),
                            or(
                                report::f64_or_null(to_f64(x), x.numer().bits() == 0),
                                f64::NAN,
                            ),
                            or(report::rational_log10(x), f64::NEG_INFINITY),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>())
    })?;
    let mut pq = Vec::with_capacity(layers.len());
    let mut f64s = Vec::with_capacity(layers.len());
    let mut log10s = Vec::with_capacity(layers.len());
    for d in &layers {
        pq.push(
            d.iter()
                .map(|(p, q, _, _)| (PyBytes::new(py, p), PyBytes::new(py, q)))
                .collect(),
        );
        f64s.push(le_bytes(py, d.iter().map(|e| e.2)));
        log10s.push(le_bytes(py, d.iter().map(|e| e.3)));
    }
    Ok((head, pq, f64s, log10s))
}

/// `trainability approx --format json`.
#[pyfunction]
#[pyo3(signature = (widths, bias, q1, min_widths))]
fn approx(
    py: Python<'_>,
    widths: Vec<usize>,
    bias: &str,
    q1: &str,
    min_widths: Option<Vec<usize>>,
) -> PyResult<String> {
    let s = spec(widths, bias, q1)?;
    detached(py, move || {
        Ok(report::approx_json(&s, min_widths.as_deref())?.to_string())
    })
}

fn state_code(s: NeuronState) -> u8 {
    match s {
        NeuronState::Active => 0,
        NeuronState::TentativelyDead => 1,
        NeuronState::PermanentlyDead => 2,
    }
}

/// Census of one network: per hidden layer, one byte per neuron (0 active,
/// 1 tentatively dead, 2 permanently dead).
#[pyfunction]
fn census_states<'py>(
    py: Python<'py>,
    layers: Vec<RawLayer<'py>>,
    x: Bound<'py, PyBytes>,
    m: usize,
    d: usize,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let net = network(&layers)?;
    let data = dataset(&x, m, d)?;
    let states = detached(py, move || {
        let c = census(&net, &data)?;
        Ok(c.layers
            .iter()
            .map(|l| l.states.iter().map(|&s| state_code(s)).collect::<Vec<u8>>())
            .collect::<Vec<_>>())
    })?;
    Ok(states.iter().map(|s| PyBytes::new(py, s)).collect())
}

/// Census of many networks on the same data, in parallel: per network and
/// hidden layer (active, tentatively dead, permanently dead) counts.
#[pyfunction]
fn census_counts<'py>(
    py: Python<'py>,
    networks: Vec<Vec<RawLayer<'py>>>,
    x: Bound<'py, PyBytes>,
    m: usize,
    d: usize,
) -> PyResult<Vec<Vec<(usize, usize, usize)>>> {
    let nets = networks
        .iter()
        .map(|n| network(n))
        .collect::<PyResult<Vec<_>>>()?;
    let data = dataset(&x, m, d)?;
    let l = current_limits();
    detached(py, move || {
        nets.par_iter()
            .map(|net| {
                limits::set(l);
                let c = census(net, &data)?;
                Ok(c.layers
                    .iter()
                    .map(|lc| (lc.active(), lc.tentatively_dead(), lc.permanently_dead()))
                    .collect())
            })
            .collect()
    })
}

/// The Linear chain of a state_dict, found by the reader of `census
/// --model` (spec FMT-STATE-DICT, FMT-SAFETENSORS) with its `--prefix` and
/// `--layers` selection: `tensors` are (name, shape, f64 bytes); returns
/// the layers as (out, in, W, b) and the (weight, bias) names of each
/// Linear layer (bias None for `bias=False`, read as zeros).
#[pyfunction]
#[pyo3(signature = (tensors, prefix=None, layers=None))]
#[allow(clippy::type_complexity)]
fn chain_from_tensors<'py>(
    py: Python<'py>,
    tensors: Vec<(String, Vec<usize>, Bound<'py, PyBytes>)>,
    prefix: Option<String>,
    layers: Option<Vec<String>>,
) -> PyResult<(Vec<RawLayer<'py>>, Vec<(String, Option<String>)>)> {
    use safetensors::tensor::{Dtype, TensorView};
    let views = tensors
        .iter()
        .map(|(name, shape, data)| {
            TensorView::new(Dtype::F64, shape.clone(), data.as_bytes())
                .map(|v| (name.clone(), v))
                .map_err(|e| PyValueError::new_err(format!("tensor {name:?}: {e:?}")))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let bytes = safetensors::serialize(views, &None)
        .map_err(|e| PyValueError::new_err(format!("state_dict: {e:?}")))?;
    let read = read_bytes_with(&bytes, &Select { prefix, layers }).map_err(py_err)?;
    let names = read
        .chain
        .layers
        .iter()
        .map(|k| (k.weight.clone(), k.bias.clone()))
        .collect();
    Ok((raw_layers(py, &read.network), names))
}

/// Counts sent as u64 bytes, row-major rows x cols.
fn count_rows(counts: &Bound<'_, PyBytes>, rows: usize, cols: usize) -> PyResult<Vec<Vec<usize>>> {
    let bytes = counts.as_bytes();
    if Some(bytes.len()) != rows.checked_mul(cols).and_then(|n| n.checked_mul(8)) {
        return Err(PyValueError::new_err(
            "counts: size does not match the shape",
        ));
    }
    let vals: Vec<usize> = bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")) as usize)
        .collect();
    if cols == 0 {
        return Ok(vec![vec![]; rows]);
    }
    Ok(vals.chunks(cols).map(<[usize]>::to_vec).collect())
}

/// `trainability check --format json` on counts (u64, row-major rows x
/// cols), and the table the CLI prints for the same report.
#[pyfunction]
#[pyo3(signature = (counts, rows, cols, widths, bias, q1, kind_name, alpha))]
#[allow(clippy::too_many_arguments)]
fn check(
    py: Python<'_>,
    counts: Bound<'_, PyBytes>,
    rows: usize,
    cols: usize,
    widths: Vec<usize>,
    bias: &str,
    q1: &str,
    kind_name: &str,
    alpha: f64,
) -> PyResult<(String, String)> {
    let s = spec(widths, bias, q1)?;
    let k = kind(kind_name)?;
    let samples = count_rows(&counts, rows, cols)?;
    detached(py, move || {
        let r = check_samples(&s, &samples, k, alpha)?;
        let (printed, text) = capture(|| check_cmd::print_table(&r));
        printed?;
        Ok((json(&r)?, text))
    })
}

/// `trainability check --power --format json`.
#[pyfunction]
fn power(
    py: Python<'_>,
    widths: Vec<usize>,
    bias: &str,
    q1: &str,
    kind_name: &str,
    alpha: f64,
) -> PyResult<String> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(PyValueError::new_err(format!(
            "invalid input: alpha = {alpha} is not in (0, 1)"
        )));
    }
    let s = spec(widths, bias, q1)?;
    let k = kind(kind_name)?;
    detached(py, move || {
        power_cost(&s.widths, k == Kind::Active)?;
        let rows = match k {
            Kind::NonPd => power_rows(&s, alpha)?,
            Kind::Active => active_power_rows(&s, alpha)?,
        };
        json(&rows)
    })
}

/// `trainability init --init data-dependent` on in-memory data: the
/// network's layers (f64 bytes of the stored values) and the notes the CLI
/// prints.
#[pyfunction]
#[pyo3(signature = (x, m, d, widths, output_dim, seed, dtype, rank, carrier))]
#[allow(clippy::too_many_arguments)]
fn data_dependent_init<'py>(
    py: Python<'py>,
    x: Bound<'py, PyBytes>,
    m: usize,
    d: usize,
    widths: Vec<usize>,
    output_dim: usize,
    seed: u64,
    dtype: &str,
    rank: bool,
    carrier: bool,
) -> PyResult<(Vec<RawLayer<'py>>, Vec<String>)> {
    let data = dataset(&x, m, d)?;
    let storage: Storage = dtype.parse().map_err(py_err)?;
    let (net, notes) = detached(py, move || {
        let arch = Architecture::new(d, widths, output_dim)?;
        let opts = DdOptions {
            storage,
            peel: rank,
            carrier,
            ..Default::default()
        };
        let r = initialize_detailed(&arch, &data, &mut sample_rng(seed, 0), &opts)?;
        let notes = r
            .layers
            .iter()
            .enumerate()
            .filter(|(_, info)| info.peel_fallback)
            .map(|(l, _)| {
                format!(
                    "hidden layer {} could not use the rank construction (rows too close for {}); every neuron is still active",
                    l + 1,
                    storage.name()
                )
            })
            .collect::<Vec<_>>();
        Ok((r.network, notes))
    })?;
    Ok((raw_layers(py, &net), notes))
}

/// `trainability q1 --format json` on in-memory data (spec FMT-Q1,
/// ALG-Q1-DISPATCH), with `bias_mode`, the law's bias mode for this
/// initializer (null when THM-CHAIN does not apply).
#[pyfunction]
#[pyo3(signature = (x, m, d, init, bias, width, samples, seed, confidence, monte_carlo))]
#[allow(clippy::too_many_arguments)]
fn q1(
    py: Python<'_>,
    x: Bound<'_, PyBytes>,
    m: usize,
    d: usize,
    init: &str,
    bias: &str,
    width: Option<usize>,
    samples: u64,
    seed: u64,
    confidence: f64,
    monte_carlo: bool,
) -> PyResult<String> {
    let data = dataset(&x, m, d)?;
    let scheme = InitScheme::from_cli(init, bias).map_err(py_err)?;
    detached(py, move || {
        let r = q1_for(
            &data,
            &scheme,
            width,
            samples,
            seed,
            confidence,
            monte_carlo,
            None,
        )?;
        let mut v = r.to_json();
        v["bias_mode"] = serde_json::json!(bias_mode(&scheme).map(BiasMode::name));
        Ok(v.to_string())
    })
}

/// The composite test of ALG-CHECK-Q1-INTERVAL (non-PD counts, q1 known as
/// an interval [lo, hi] at confidence 1 - delta), as `check --q1-from-data`
/// runs it: the JSON report.
#[pyfunction]
#[pyo3(signature = (counts, rows, cols, widths, bias, lo, hi, delta, alpha))]
#[allow(clippy::too_many_arguments)]
fn check_q1_interval(
    py: Python<'_>,
    counts: Bound<'_, PyBytes>,
    rows: usize,
    cols: usize,
    widths: Vec<usize>,
    bias: &str,
    lo: f64,
    hi: f64,
    delta: f64,
    alpha: f64,
) -> PyResult<String> {
    let b: BiasMode = bias.parse().map_err(py_err)?;
    // validates widths, bias and the counts against them (THM-CHAIN at q1 = lo)
    let s =
        ChainSpec::new(widths.clone(), b, from_f64_exact(lo).map_err(py_err)?).map_err(py_err)?;
    let samples = count_rows(&counts, rows, cols)?;
    let check_alpha = alpha;
    if !(alpha > 0.0 && alpha < 1.0 && delta > 0.0 && delta < 1.0) {
        return Err(PyValueError::new_err(format!(
            "invalid input: alpha = {alpha} and delta = {delta} must be in (0, 1)"
        )));
    }
    detached(py, move || {
        // check_samples validates the rows against the widths, with its messages
        check_samples(&s, &samples, Kind::NonPd, check_alpha)?;
        json(&check_interval(&widths, b, lo, hi, delta, &samples, alpha, PValues::Auto)?)
    })
}

/// The module `relu_trainability._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("TooCostlyError", m.py().get_type::<TooCostlyError>())?;
    m.add_function(wrap_pyfunction!(set_limits, m)?)?;
    m.add_function(wrap_pyfunction!(get_limits, m)?)?;
    m.add_function(wrap_pyfunction!(exact, m)?)?;
    m.add_function(wrap_pyfunction!(exact_law, m)?)?;
    m.add_function(wrap_pyfunction!(approx, m)?)?;
    m.add_function(wrap_pyfunction!(census_states, m)?)?;
    m.add_function(wrap_pyfunction!(census_counts, m)?)?;
    m.add_function(wrap_pyfunction!(chain_from_tensors, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(power, m)?)?;
    m.add_function(wrap_pyfunction!(data_dependent_init, m)?)?;
    m.add_function(wrap_pyfunction!(q1, m)?)?;
    m.add_function(wrap_pyfunction!(check_q1_interval, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

//! Networks as safetensors files in the PyTorch layout (spec
//! FMT-SAFETENSORS, FMT-STATE-DICT). The writer names the k-th Linear
//! `layers.{2k}` (default), `{2k}` (a bare `nn.Sequential`) or
//! `PREFIX{2k}`, and records the architecture in `__metadata__`. The reader
//! takes any `state_dict` whose tensors form a chain of Linear layers
//! (`io::state_dict`). Values are read as stored (f32 or f64) and computed
//! with in f64.

use super::state_dict::{find_chain, natural_cmp, Chain};
use crate::error::{Error, Result};
use crate::init::data_dependent::Storage;
use crate::sim::{Layer, Network};
use nalgebra::{DMatrix, DVector};
use safetensors::tensor::Dtype;
use safetensors::SafeTensors;
use std::collections::BTreeMap;
use std::path::Path;

const WHAT: &str = "safetensors model";

/// Rounds every parameter to the storage precision (identity for f64).
pub fn round_network(net: &Network, storage: Storage) -> Network {
    let mut out = net.clone();
    for l in out.layers_mut() {
        l.weight.apply(|v| *v = storage.round(*v));
        l.bias.apply(|v| *v = storage.round(*v));
    }
    out
}

/// How `init` names the tensors (spec FMT-SAFETENSORS): `layers.{2k}` (a
/// module with an `nn.Sequential` attribute `layers`), `{2k}` (a bare
/// `nn.Sequential`), or `PREFIX{2k}` (e.g. `net.0.weight`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `layers.0.weight`, `layers.2.weight`, ...
    Layers,
    /// `0.weight`, `2.weight`, ... as `nn.Sequential(Linear, ReLU, ...)`.
    Sequential,
    /// `PREFIX0.weight`, ...; the prefix ends with a dot.
    Prefix(String),
}

impl Naming {
    /// Parses `layers`, `sequential` or a module path such as `net` or
    /// `model.body.` (letters, digits, `_`, dots between parts).
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        match s {
            "layers" | "layers." => return Ok(Naming::Layers),
            "sequential" | "" => return Ok(Naming::Sequential),
            _ => {}
        }
        let p = s.strip_suffix('.').unwrap_or(s);
        let ok = p.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !ok {
            return Err(Error::input(format!(
                "--names {s:?}: expected layers, sequential, or a module path such as net or model.body (letters, digits, _ and dots)"
            )));
        }
        Ok(Naming::Prefix(format!("{p}.")))
    }

    /// The text before `{2k}.weight`.
    pub fn prefix(&self) -> &str {
        match self {
            Naming::Layers => "layers.",
            Naming::Sequential => "",
            Naming::Prefix(p) => p,
        }
    }

    /// The name as given to `--names`.
    pub fn label(&self) -> String {
        match self {
            Naming::Layers => "layers".into(),
            Naming::Sequential => "sequential".into(),
            Naming::Prefix(p) => p.clone(),
        }
    }
}

/// Serializes `net` (safetensors bytes, names `layers.{2k}.weight/bias`,
/// metadata `{"format": "pt"}`). With f32, values are rounded to nearest; a
/// value that overflows f32 is an error.
pub fn to_safetensors_bytes(net: &Network, dtype: Storage) -> Result<Vec<u8>> {
    to_safetensors_bytes_with(net, dtype, &Naming::Layers, &BTreeMap::new())
}

/// Serializes `net` with the given tensor names and `__metadata__` entries
/// (`format: pt` is always added). The layout is the one
/// `safetensors.torch.save_file` writes (FMT-STATE-DICT): an 8-byte
/// little-endian header length, the JSON header with `__metadata__` first
/// (keys sorted here, so the bytes are a function of the inputs) and the
/// tensors sorted by name, padded with spaces to a multiple of 8 bytes,
/// then the data in header order.
pub fn to_safetensors_bytes_with(
    net: &Network,
    dtype: Storage,
    naming: &Naming,
    metadata: &BTreeMap<String, String>,
) -> Result<Vec<u8>> {
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    let p = naming.prefix();
    for (k, l) in net.layers().iter().enumerate() {
        // Row-major [out, in], as torch.nn.Linear stores its weight.
        let w: Vec<f64> = (0..l.width())
            .flat_map(|r| (0..l.fan_in()).map(move |c| (r, c)))
            .map(|(r, c)| l.weight[(r, c)])
            .collect();
        buffers.push((
            format!("{p}{}.weight", 2 * k),
            vec![l.width(), l.fan_in()],
            encode(&w, dtype, k)?,
        ));
        let b: Vec<f64> = l.bias.iter().copied().collect();
        buffers.push((
            format!("{p}{}.bias", 2 * k),
            vec![l.width()],
            encode(&b, dtype, k)?,
        ));
    }
    buffers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut meta = metadata.clone();
    meta.insert("format".into(), "pt".into());
    let dt = match dtype {
        Storage::F32 => "F32",
        Storage::F64 => "F64",
    };
    let js = |s: &str| serde_json::to_string(s).expect("a string serializes");
    let mut header = String::from("{\"__metadata__\":{");
    let entries: Vec<String> = meta
        .iter()
        .map(|(k, v)| format!("{}:{}", js(k), js(v)))
        .collect();
    header.push_str(&entries.join(","));
    header.push('}');
    let mut offset = 0usize;
    for (n, shape, data) in &buffers {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        header.push_str(&format!(
            ",{}:{{\"dtype\":\"{dt}\",\"shape\":[{}],\"data_offsets\":[{offset},{}]}}",
            js(n),
            dims.join(","),
            offset + data.len()
        ));
        offset += data.len();
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for (_, _, data) in &buffers {
        out.extend_from_slice(data);
    }
    Ok(out)
}

fn encode(vals: &[f64], dtype: Storage, k: usize) -> Result<Vec<u8>> {
    match dtype {
        Storage::F64 => Ok(vals.iter().flat_map(|v| v.to_le_bytes()).collect()),
        Storage::F32 => {
            if let Some(v) = vals.iter().find(|v| !Storage::F32.fits(**v)) {
                return Err(Error::input(format!(
                    "linear layer {} has the value {v:e}, which does not fit in f32; use --dtype f64",
                    k + 1
                )));
            }
            Ok(vals
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect())
        }
    }
}

/// Writes `net` to `path` in the given precision (names `layers.*`).
pub fn write_safetensors(net: &Network, path: impl AsRef<Path>, dtype: Storage) -> Result<()> {
    write_safetensors_with(net, path, dtype, &Naming::Layers, &BTreeMap::new())
}

/// Writes `net` with the given names and metadata (see
/// [`to_safetensors_bytes_with`]).
pub fn write_safetensors_with(
    net: &Network,
    path: impl AsRef<Path>,
    dtype: Storage,
    naming: &Naming,
    metadata: &BTreeMap<String, String>,
) -> Result<()> {
    let bytes = to_safetensors_bytes_with(net, dtype, naming, metadata)?;
    std::fs::write(path.as_ref(), bytes).map_err(|e| Error::io(path.as_ref(), e))
}

/// Which tensors form the network (`--prefix`, `--layers`; spec
/// FMT-STATE-DICT). The default finds the chain of Linear layers itself.
#[derive(Clone, Debug, Default)]
pub struct Select {
    /// Keep only the tensors whose names start with this.
    pub prefix: Option<String>,
    /// The Linear modules in order (relative to the prefix).
    pub layers: Option<Vec<String>>,
}

/// A network read from a file, with the tensors that formed it.
#[derive(Clone, Debug)]
pub struct ReadModel {
    /// The network (f64 values as stored).
    pub network: Network,
    /// The chain of Linear layers found, and the tensors left out.
    pub chain: Chain,
    /// The stored dtype (F32 or F64; the first layer's).
    pub dtype: String,
    /// The file's `__metadata__` (sorted).
    pub metadata: BTreeMap<String, String>,
}

/// Reads a network from a safetensors file (the chain found by
/// FMT-STATE-DICT).
pub fn read_safetensors(path: impl AsRef<Path>) -> Result<Network> {
    Ok(read_safetensors_with(path, &Select::default())?.network)
}

/// Reads a network from a safetensors file with an explicit selection.
pub fn read_safetensors_with(path: impl AsRef<Path>, select: &Select) -> Result<ReadModel> {
    let bytes = super::read_bounded(path.as_ref())?;
    read_bytes_with(&bytes, select).map_err(|e| match e {
        Error::Format { what, message } => Error::Format {
            what: format!("{what} {}", path.as_ref().display()),
            message,
        },
        e => e,
    })
}

/// Parses safetensors bytes into a network (FMT-STATE-DICT, FMT-SAFETENSORS).
pub fn from_safetensors_bytes(bytes: &[u8]) -> Result<Network> {
    Ok(read_bytes_with(bytes, &Select::default())?.network)
}

/// Parses safetensors bytes with an explicit selection.
pub fn read_bytes_with(bytes: &[u8], select: &Select) -> Result<ReadModel> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| match other_format(bytes) {
        Some(advice) => Error::format(WHAT, advice),
        None => Error::format(WHAT, format!("not a valid safetensors file ({e:?})")),
    })?;
    let (_, meta) = SafeTensors::read_metadata(bytes)
        .map_err(|e| Error::format(WHAT, format!("not a valid safetensors file ({e:?})")))?;
    let metadata: BTreeMap<String, String> = meta
        .metadata()
        .as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut names: Vec<String> = st.names().into_iter().cloned().collect();
    names.sort_by(|a, b| natural_cmp(a, b));
    let shapes: Vec<(String, Vec<usize>)> = names
        .iter()
        .map(|n| {
            st.tensor(n)
                .map(|t| (n.clone(), t.shape().to_vec()))
                .map_err(|e| Error::format(WHAT, format!("{n}: {e:?}")))
        })
        .collect::<Result<_>>()?;
    let chain = find_chain(&shapes, select.prefix.as_deref(), select.layers.as_deref()).map_err(
        |e| match e {
            Error::Format { message, .. } => Error::format(WHAT, message),
            e => e,
        },
    )?;
    let mut layers = Vec::with_capacity(chain.layers.len());
    let mut dtype = String::new();
    for k in &chain.layers {
        let (wshape, wvals, dt) = tensor(&st, &k.weight)?;
        if dtype.is_empty() {
            dtype = dt;
        }
        let bvals = match &k.bias {
            Some(b) => tensor(&st, b)?.1,
            None => vec![0.0; wshape[0]],
        };
        layers.push(Layer {
            weight: DMatrix::from_row_slice(wshape[0], wshape[1], &wvals),
            bias: DVector::from_vec(bvals),
        });
    }
    let network = Network::new(layers).map_err(|e| Error::format(WHAT, e.to_string()))?;
    Ok(ReadModel {
        network,
        chain,
        dtype,
        metadata,
    })
}

/// What a file that is not safetensors probably is, with the one-line
/// conversion (FMT-SAFETENSORS): a `torch.save` file (a zip archive, or a
/// bare pickle), a Keras / HDF5 file, or an ONNX model. Nothing is
/// unpickled or executed.
fn other_format(bytes: &[u8]) -> Option<String> {
    let torch = "convert it once with: python -c \"import torch; from safetensors.torch import \
                 save_file; save_file(torch.load('model.pt', weights_only=True), 'model.safetensors')\"";
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(format!(
            "not a safetensors file but a zip archive: a torch.save file (model.pt) or a Keras \
             .keras file; this tool does not read pickles. For PyTorch, {torch}; for Keras, save \
             the weights of the Dense layers as safetensors in the PyTorch layout (W as (out, in))"
        ));
    }
    if bytes.first() == Some(&0x80) && bytes.get(1).is_some_and(|&v| (2..=5).contains(&v)) {
        return Some(format!(
            "not a safetensors file but a Python pickle (a legacy torch.save file); this tool \
             does not unpickle. {torch}"
        ));
    }
    if bytes.starts_with(b"\x89HDF\r\n\x1a\n") {
        return Some(
            "not a safetensors file but HDF5 (a Keras .h5 / .weights.h5 file); save the Dense \
             layers' weights as safetensors in the PyTorch layout (W as (out, in))"
                .into(),
        );
    }
    // ONNX: a protobuf ModelProto, field 1 (ir_version, varint) first
    if bytes.first() == Some(&0x08) && bytes.windows(4).take(4096).any(|w| w == b"onnx") {
        return Some(
            "not a safetensors file but (probably) an ONNX model, which is not read; export the \
             torch state_dict with safetensors.torch.save_file(model.state_dict(), \
             'model.safetensors')"
                .into(),
        );
    }
    None
}

/// An IEEE binary16 value as f64, exactly (every f16 is an f64).
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h >> 15 == 1 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 if frac == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => sign * (1024.0 + frac) * 2f64.powi(e - 25),
    }
}

/// Shape and f64 values (row-major) of a tensor stored as F16, BF16, F32
/// or F64 (every such value is an f64: the conversion is exact).
fn tensor(st: &SafeTensors, name: &str) -> Result<(Vec<usize>, Vec<f64>, String)> {
    let t = st
        .tensor(name)
        .map_err(|e| Error::format(WHAT, format!("{name}: {e:?}")))?;
    let shape = t.shape().to_vec();
    let data = t.data();
    let vals: Vec<f64> = match t.dtype() {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes(c.try_into().expect("4 bytes"))))
            .collect(),
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|c| f16_to_f64(u16::from_le_bytes([c[0], c[1]])))
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|c| f64::from(f32::from_bits((u16::from_le_bytes([c[0], c[1]]) as u32) << 16)))
            .collect(),
        other => {
            return Err(Error::format(
                WHAT,
                format!("{name} has dtype {other:?}; F16, BF16, F32 and F64 are read (convert with tensor.float() or .double())"),
            ))
        }
    };
    if vals.len() != shape.iter().product::<usize>() {
        return Err(Error::format(
            WHAT,
            format!("{name}: data size does not match shape {shape:?}"),
        ));
    }
    if shape.contains(&0) {
        return Err(Error::format(
            WHAT,
            format!("{name} has an empty dimension {shape:?}"),
        ));
    }
    Ok((shape, vals, format!("{:?}", t.dtype())))
}

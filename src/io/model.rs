//! Networks as safetensors files in the PyTorch layout (spec
//! FMT-SAFETENSORS): a `torch.nn.Sequential` of Linear and ReLU stored under
//! an attribute `layers`, i.e. tensors `layers.{2k}.weight` [out, in] and
//! `layers.{2k}.bias` [out] for the k-th Linear (ReLU modules take the odd
//! positions). The reader also accepts the bare-Sequential names
//! `{2k}.weight` / `{2k}.bias`. Values are read as stored (f32 or f64) and
//! computed with in f64.

use crate::error::{Error, Result};
use crate::init::data_dependent::Storage;
use crate::sim::{Layer, Network};
use nalgebra::{DMatrix, DVector};
use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use std::collections::{BTreeMap, HashMap};
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

/// Serializes `net` (safetensors bytes, names `layers.{2k}.weight/bias`).
/// With f32, values are rounded to nearest; a value that overflows f32 is
/// an error.
pub fn to_safetensors_bytes(net: &Network, dtype: Storage) -> Result<Vec<u8>> {
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (k, l) in net.layers().iter().enumerate() {
        // Row-major [out, in], as torch.nn.Linear stores its weight.
        let w: Vec<f64> = (0..l.width())
            .flat_map(|r| (0..l.fan_in()).map(move |c| (r, c)))
            .map(|(r, c)| l.weight[(r, c)])
            .collect();
        buffers.push((
            format!("layers.{}.weight", 2 * k),
            vec![l.width(), l.fan_in()],
            encode(&w, dtype, k)?,
        ));
        let b: Vec<f64> = l.bias.iter().copied().collect();
        buffers.push((
            format!("layers.{}.bias", 2 * k),
            vec![l.width()],
            encode(&b, dtype, k)?,
        ));
    }
    let st_dtype = match dtype {
        Storage::F32 => Dtype::F32,
        Storage::F64 => Dtype::F64,
    };
    let views = buffers
        .iter()
        .map(|(n, shape, data)| {
            TensorView::new(st_dtype, shape.clone(), data)
                .map(|v| (n.clone(), v))
                .map_err(|e| Error::format(WHAT, e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    // One metadata key only: the crate writes a HashMap, whose order would
    // otherwise make same-seed files differ byte for byte.
    let meta: HashMap<String, String> = [("format".to_string(), "pt".to_string())].into();
    safetensors::serialize(views, &Some(meta)).map_err(|e| Error::format(WHAT, e.to_string()))
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

/// Writes `net` to `path` in the given precision.
pub fn write_safetensors(net: &Network, path: impl AsRef<Path>, dtype: Storage) -> Result<()> {
    let bytes = to_safetensors_bytes(net, dtype)?;
    std::fs::write(path.as_ref(), bytes).map_err(|e| Error::io(path.as_ref(), e))
}

/// Reads a network from a safetensors file.
pub fn read_safetensors(path: impl AsRef<Path>) -> Result<Network> {
    let bytes = super::read_bounded(path.as_ref())?;
    from_safetensors_bytes(&bytes).map_err(|e| match e {
        Error::Format { what, message } => Error::Format {
            what: format!("{what} {}", path.as_ref().display()),
            message,
        },
        e => e,
    })
}

/// Parses safetensors bytes into a network (checks names, indices, dtypes,
/// shapes; see FMT-SAFETENSORS).
pub fn from_safetensors_bytes(bytes: &[u8]) -> Result<Network> {
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| Error::format(WHAT, format!("not a valid safetensors file ({e:?})")))?;
    // index -> (weight name, bias name)
    let mut entries: BTreeMap<usize, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut prefixed: Option<bool> = None;
    let mut names: Vec<String> = st.names().into_iter().cloned().collect();
    names.sort();
    if names.is_empty() {
        return Err(Error::format(WHAT, "the file holds no tensors"));
    }
    for name in &names {
        let (has_prefix, rest) = match name.strip_prefix("layers.") {
            Some(r) => (true, r),
            None => (false, name.as_str()),
        };
        let bad = || {
            Error::format(
                WHAT,
                format!("unexpected tensor {name:?}; expected names layers.{{i}}.weight and layers.{{i}}.bias (or {{i}}.weight, {{i}}.bias) of an nn.Sequential of Linear and ReLU"),
            )
        };
        let (idx, kind) = rest.split_once('.').ok_or_else(bad)?;
        let idx: usize = idx.parse().map_err(|_| bad())?;
        if *prefixed.get_or_insert(has_prefix) != has_prefix {
            return Err(Error::format(
                WHAT,
                "mixed tensor names: some start with \"layers.\" and some do not",
            ));
        }
        let e = entries.entry(idx).or_default();
        match kind {
            "weight" => e.0 = Some(name.clone()),
            "bias" => e.1 = Some(name.clone()),
            _ => return Err(bad()),
        }
    }
    let idxs: Vec<usize> = entries.keys().copied().collect();
    if idxs.iter().enumerate().any(|(k, &i)| i != 2 * k) {
        return Err(Error::format(
            WHAT,
            format!(
                "Linear layers must sit at positions 0, 2, 4, ... (ReLU at the odd ones); found positions {idxs:?}"
            ),
        ));
    }
    let mut layers = Vec::with_capacity(entries.len());
    for (&i, (w, b)) in &entries {
        let w = w.as_ref().ok_or_else(|| {
            Error::format(
                WHAT,
                format!("layer at position {i} has a bias but no weight"),
            )
        })?;
        let b = b.as_ref().ok_or_else(|| {
            Error::format(
                WHAT,
                format!("{w} has no bias tensor; every Linear layer needs a bias (nn.Linear(..., bias=True))"),
            )
        })?;
        let (wshape, wvals) = tensor(&st, w)?;
        let (bshape, bvals) = tensor(&st, b)?;
        if wshape.len() != 2 {
            return Err(Error::format(
                WHAT,
                format!("{w} has shape {wshape:?}; expected [out, in]"),
            ));
        }
        if bshape.len() != 1 || bshape[0] != wshape[0] {
            return Err(Error::format(
                WHAT,
                format!(
                    "{b} has shape {bshape:?}; expected [{}] to match {w} {wshape:?}",
                    wshape[0]
                ),
            ));
        }
        if let Some(prev) = layers.last().map(|l: &Layer| l.width()) {
            if wshape[1] != prev {
                return Err(Error::format(
                    WHAT,
                    format!("{w} has shape {wshape:?} but the previous layer has {prev} outputs"),
                ));
            }
        }
        layers.push(Layer {
            weight: DMatrix::from_row_slice(wshape[0], wshape[1], &wvals),
            bias: DVector::from_vec(bvals),
        });
    }
    Network::new(layers).map_err(|e| Error::format(WHAT, e.to_string()))
}

/// Shape and f64 values (row-major) of a tensor stored as F32 or F64.
fn tensor(st: &SafeTensors, name: &str) -> Result<(Vec<usize>, Vec<f64>)> {
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
        other => {
            return Err(Error::format(
                WHAT,
                format!("{name} has dtype {other:?}; only F32 and F64 are supported (convert with tensor.float() or .double())"),
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
    Ok((shape, vals))
}

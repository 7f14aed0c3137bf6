//! safetensors model files: PyTorch names and layout, round trips, and
//! malformed files (fixtures written here with the safetensors crate).
// spec: FMT-SAFETENSORS

mod init_support;

use init_support::{make, Shape};
use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::init::data_dependent::{initialize_with, DdOptions, Storage};
use relu_trainability::init::Architecture;
use relu_trainability::io::model::{
    from_safetensors_bytes, read_safetensors, to_safetensors_bytes, write_safetensors,
};
use relu_trainability::sim::{Dataset, Layer, Network};
use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;

/// A fixture: (name, dtype, shape, values as f64 encoded in dtype).
fn fixture(tensors: &[(&str, Dtype, Vec<usize>, Vec<f64>)]) -> Vec<u8> {
    let bufs: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(n, dt, s, v)| {
            let bytes: Vec<u8> = match dt {
                Dtype::F32 => v.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
                Dtype::F64 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                Dtype::I64 => v.iter().flat_map(|&x| (x as i64).to_le_bytes()).collect(),
                Dtype::F16 => v.iter().flat_map(|_| [0u8, 0x3c]).collect(),
                _ => unreachable!(),
            };
            (n.to_string(), *dt, s.clone(), bytes)
        })
        .collect();
    let views: Vec<(String, TensorView)> = bufs
        .iter()
        .map(|(n, dt, s, b)| (n.clone(), TensorView::new(*dt, s.clone(), b).unwrap()))
        .collect();
    safetensors::serialize(views, &None).unwrap()
}

/// The 2-3-1 network used by the layout tests, tensors in PyTorch order.
fn small(prefix: &str, dt: Dtype) -> Vec<u8> {
    fixture(&[
        (
            &format!("{prefix}0.weight"),
            dt,
            vec![3, 2],
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        ),
        (
            &format!("{prefix}0.bias"),
            dt,
            vec![3],
            vec![0.5, -1.0, -100.0],
        ),
        (
            &format!("{prefix}2.weight"),
            dt,
            vec![1, 3],
            vec![1.0, -1.0, 2.0],
        ),
        (&format!("{prefix}2.bias"), dt, vec![1], vec![0.25]),
    ])
}

#[test]
fn reads_pytorch_names_and_row_major_layout() {
    for prefix in ["layers.", ""] {
        for dt in [Dtype::F32, Dtype::F64] {
            let net = from_safetensors_bytes(&small(prefix, dt)).unwrap();
            assert_eq!(net.hidden_widths(), vec![3]);
            // weight [out=3, in=2] row-major: row j = (w_j1, w_j2).
            assert_eq!(net.layers()[0].weight[(0, 1)], 2.0);
            assert_eq!(net.layers()[0].weight[(2, 0)], 5.0);
            // Forward by hand at x = (1, 1): z = (3.5, 6, -89), a = (3.5, 6, 0),
            // output = 3.5 - 6 + 0 + 0.25 = -2.25.
            let x = Dataset::from_rows(&[vec![1.0, 1.0]]).unwrap();
            let out = net.forward(&x).unwrap().output[(0, 0)];
            assert_eq!(out, -2.25);
        }
    }
}

#[test]
fn writer_uses_sequential_names_shapes_and_metadata() {
    let net = from_safetensors_bytes(&small("", Dtype::F64)).unwrap();
    for (storage, dtype) in [(Storage::F32, Dtype::F32), (Storage::F64, Dtype::F64)] {
        let bytes = to_safetensors_bytes(&net, storage).unwrap();
        let st = SafeTensors::deserialize(&bytes).unwrap();
        let mut names: Vec<String> = st.names().into_iter().cloned().collect();
        names.sort();
        assert_eq!(
            names,
            [
                "layers.0.bias",
                "layers.0.weight",
                "layers.2.bias",
                "layers.2.weight"
            ]
        );
        let w = st.tensor("layers.0.weight").unwrap();
        assert_eq!(w.shape(), [3, 2]);
        assert_eq!(w.dtype(), dtype);
        assert_eq!(st.tensor("layers.2.bias").unwrap().shape(), [1]);
        let (_, meta) = SafeTensors::read_metadata(&bytes).unwrap();
        assert_eq!(meta.metadata().as_ref().unwrap()["format"], "pt");
        // Round trip is exact (all values representable in f32).
        assert_eq!(from_safetensors_bytes(&bytes).unwrap(), net);
    }
}

// spec: THM-DD-ACTIVE
#[test]
fn f32_file_round_trip_keeps_every_neuron_active() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..5u64 {
        let data = make(Shape::Gaussian, 30, 4, seed);
        let arch = Architecture::new(4, vec![32, 8, 32, 3], 2).unwrap();
        let opts = DdOptions {
            storage: Storage::F32,
            ..Default::default()
        };
        let net =
            initialize_with(&arch, &data, &mut ChaCha8Rng::seed_from_u64(seed), &opts).unwrap();
        let path = dir.path().join("m.safetensors");
        write_safetensors(&net, &path, Storage::F32).unwrap();
        let back = read_safetensors(&path).unwrap();
        assert_eq!(back, net, "f32 values survive the file bit for bit");
        let c = census(&back, &data).unwrap();
        assert!(c.layers.iter().all(|l| l.dead() == 0));
    }
}

#[test]
fn f64_round_trip_is_exact_and_f32_rounds_to_nearest() {
    let l1 = Layer {
        weight: DMatrix::from_row_slice(1, 1, &[0.1]),
        bias: DVector::from_vec(vec![1e-3]),
    };
    let l2 = Layer {
        weight: DMatrix::from_row_slice(1, 1, &[1.0 / 3.0]),
        bias: DVector::from_vec(vec![0.0]),
    };
    let net = Network::new(vec![l1, l2]).unwrap();
    let back = from_safetensors_bytes(&to_safetensors_bytes(&net, Storage::F64).unwrap()).unwrap();
    assert_eq!(back, net);
    let back = from_safetensors_bytes(&to_safetensors_bytes(&net, Storage::F32).unwrap()).unwrap();
    assert_eq!(back.layers()[0].weight[(0, 0)], 0.1f32 as f64);
    assert_eq!(back.layers()[1].weight[(0, 0)], (1.0f32 / 3.0) as f64);
    // A value beyond f32 is refused, not turned into inf.
    let big = Layer {
        weight: DMatrix::from_row_slice(1, 1, &[1e300]),
        bias: DVector::from_vec(vec![0.0]),
    };
    let net = Network::new(vec![
        big,
        Layer {
            weight: DMatrix::from_row_slice(1, 1, &[1.0]),
            bias: DVector::from_vec(vec![0.0]),
        },
    ])
    .unwrap();
    assert!(to_safetensors_bytes(&net, Storage::F32)
        .unwrap_err()
        .to_string()
        .contains("f64"));
}

fn err(bytes: &[u8]) -> String {
    from_safetensors_bytes(bytes).unwrap_err().to_string()
}

#[test]
fn malformed_files_give_clear_errors() {
    let good = small("layers.", Dtype::F32);
    // Truncated (header intact, data cut) and garbage.
    assert!(
        err(&good[..good.len() - 5]).contains("not a valid safetensors"),
        "{}",
        err(&good[..good.len() - 5])
    );
    assert!(err(&good[..6]).contains("not a valid safetensors"));
    assert!(err(b"hello world, not a model").contains("not a valid safetensors"));
    // Wrong dtypes.
    for dt in [Dtype::I64] {
        let b = fixture(&[
            ("layers.0.weight", dt, vec![1, 1], vec![1.0]),
            ("layers.0.bias", Dtype::F32, vec![1], vec![0.0]),
            ("layers.2.weight", Dtype::F32, vec![1, 1], vec![1.0]),
            ("layers.2.bias", Dtype::F32, vec![1], vec![0.0]),
        ]);
        let e = err(&b);
        assert!(
            e.contains("dtype") && e.contains("F16, BF16, F32 and F64 are read"),
            "{e}"
        );
    }
    // A weight without bias is nn.Linear(..., bias=False): read as bias 0
    // (FMT-STATE-DICT); positions with gaps (Dropout between) are fine.
    let b = fixture(&[
        ("layers.0.weight", Dtype::F32, vec![1, 1], vec![1.0]),
        ("layers.3.weight", Dtype::F32, vec![1, 1], vec![1.0]),
        ("layers.3.bias", Dtype::F32, vec![1], vec![0.5]),
    ]);
    let net = from_safetensors_bytes(&b).unwrap();
    assert_eq!(net.layers()[0].bias[0], 0.0);
    assert_eq!(net.layers()[1].bias[0], 0.5);
    // Shapes that do not chain; bias of the wrong length; 1-D weight.
    let b = fixture(&[
        ("layers.0.weight", Dtype::F32, vec![3, 2], vec![0.0; 6]),
        ("layers.0.bias", Dtype::F32, vec![3], vec![0.0; 3]),
        ("layers.2.weight", Dtype::F32, vec![1, 4], vec![0.0; 4]),
        ("layers.2.bias", Dtype::F32, vec![1], vec![0.0]),
    ]);
    assert!(
        err(&b).contains("previous layer layers.0.weight has 3 outputs"),
        "{}",
        err(&b)
    );
    let b = fixture(&[
        ("layers.0.weight", Dtype::F32, vec![3, 2], vec![0.0; 6]),
        ("layers.0.bias", Dtype::F32, vec![2], vec![0.0; 2]),
        ("layers.2.weight", Dtype::F32, vec![1, 3], vec![0.0; 3]),
        ("layers.2.bias", Dtype::F32, vec![1], vec![0.0]),
    ]);
    assert!(err(&b).contains("expected [3]"), "{}", err(&b));
    // Unknown names, mixed prefixes, a single layer, non-finite values.
    let b = fixture(&[
        ("encoder.0.weight", Dtype::F32, vec![1, 1], vec![1.0]),
        ("encoder.0.scale", Dtype::F32, vec![1], vec![1.0]),
    ]);
    assert!(
        err(&b).contains("encoder.0.scale [1] (not a weight or bias"),
        "{}",
        err(&b)
    );
    let b = fixture(&[
        ("layers.0.weight", Dtype::F32, vec![1, 1], vec![1.0]),
        ("layers.0.bias", Dtype::F32, vec![1], vec![0.0]),
        ("2.weight", Dtype::F32, vec![1, 1], vec![1.0]),
        ("2.bias", Dtype::F32, vec![1], vec![0.0]),
    ]);
    assert!(err(&b).contains("ambiguous"), "{}", err(&b));
    let b = fixture(&[
        ("layers.0.weight", Dtype::F32, vec![1, 1], vec![1.0]),
        ("layers.0.bias", Dtype::F32, vec![1], vec![0.0]),
    ]);
    assert!(err(&b).contains("at least one hidden layer"), "{}", err(&b));
    assert!(err(&fixture(&[("x", Dtype::F32, vec![1], vec![1.0])])).contains("x [1] (not a weight"));
    let b = fixture(&[
        ("layers.0.weight", Dtype::F64, vec![1, 1], vec![f64::NAN]),
        ("layers.0.bias", Dtype::F64, vec![1], vec![0.0]),
        ("layers.2.weight", Dtype::F64, vec![1, 1], vec![1.0]),
        ("layers.2.bias", Dtype::F64, vec![1], vec![0.0]),
    ]);
    assert!(err(&b).contains("non-finite"), "{}", err(&b));
}

/// Beyond the guarantee (which is for f64 evaluation of the stored values):
/// evaluating the f32 file entirely in f32 arithmetic, as PyTorch would
/// (inputs rounded to f32, f32 dot products), still leaves every neuron
/// active on well-spread data, because every threshold sits a margin of at
/// least a few f32 roundoffs away from the projections that decide it.
// spec: FMT-SAFETENSORS, THM-DD-ACTIVE
#[test]
fn f32_file_evaluated_in_f32_arithmetic_keeps_neurons_active() {
    for seed in 0..10u64 {
        let data = make(Shape::Gaussian, 40, 5, seed);
        let arch = Architecture::new(5, vec![64, 16, 64, 64], 1).unwrap();
        let opts = DdOptions {
            storage: Storage::F32,
            ..Default::default()
        };
        let net =
            initialize_with(&arch, &data, &mut ChaCha8Rng::seed_from_u64(seed), &opts).unwrap();
        let net =
            from_safetensors_bytes(&to_safetensors_bytes(&net, Storage::F32).unwrap()).unwrap();
        let mut a: Vec<Vec<f32>> = data
            .points()
            .row_iter()
            .map(|r| r.iter().map(|&v| v as f32).collect())
            .collect();
        for (l, layer) in net.hidden().iter().enumerate() {
            let w: Vec<Vec<f32>> = layer
                .weight
                .row_iter()
                .map(|r| r.iter().map(|&v| v as f32).collect())
                .collect();
            let next: Vec<Vec<f32>> = a
                .iter()
                .map(|x| {
                    w.iter()
                        .zip(layer.bias.iter())
                        .map(|(wr, &b)| {
                            (wr.iter().zip(x).map(|(p, q)| p * q).sum::<f32>() + b as f32).max(0.0)
                        })
                        .collect()
                })
                .collect();
            for j in 0..layer.width() {
                let first = next[0][j];
                assert!(
                    next.iter().any(|r| r[j] != first),
                    "seed {seed}: layer {} neuron {j} dead in f32",
                    l + 1
                );
            }
            a = next;
        }
    }
}

/// A fixture tensor from raw 16-bit patterns.
fn raw16(
    name: &str,
    dt: Dtype,
    shape: Vec<usize>,
    bits: &[u16],
) -> (String, Dtype, Vec<usize>, Vec<u8>) {
    let b: Vec<u8> = bits.iter().flat_map(|v| v.to_le_bytes()).collect();
    (name.to_string(), dt, shape, b)
}

fn serialize_raw(t: &[(String, Dtype, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
    let views: Vec<(String, TensorView)> = t
        .iter()
        .map(|(n, dt, s, b)| (n.clone(), TensorView::new(*dt, s.clone(), b).unwrap()))
        .collect();
    safetensors::serialize(views, &None).unwrap()
}

/// F16 and BF16 tensors (what `model.half()` / `model.bfloat16()` save)
/// are read exactly: the expected values are the standard bit patterns'
/// values (IEEE binary16: 0x3800 = 0.5, 0xBD00 = -1.25, 0x0001 = 2^-24 the
/// smallest subnormal, 0x7BFF = 65504 the largest; bfloat16 = the top 16
/// bits of an f32: 0x3FC0 = 1.5, 0xBC00 = -2^-7, 0x4040 = 3), and an f16
/// infinity is refused as non-finite.
#[test]
fn half_precision_tensors_are_read_exactly() {
    let f16 = serialize_raw(&[
        raw16(
            "layers.0.weight",
            Dtype::F16,
            vec![2, 2],
            &[0x3800, 0xBD00, 0x0001, 0x7BFF],
        ),
        raw16("layers.0.bias", Dtype::F16, vec![2], &[0x4200, 0x8000]),
        raw16("layers.2.weight", Dtype::F16, vec![1, 2], &[0x3C00, 0x3C00]),
        raw16("layers.2.bias", Dtype::F16, vec![1], &[0x0000]),
    ]);
    let net = from_safetensors_bytes(&f16).unwrap();
    let w = &net.layers()[0].weight;
    assert_eq!(
        (w[(0, 0)], w[(0, 1)], w[(1, 0)], w[(1, 1)]),
        (0.5, -1.25, 2f64.powi(-24), 65504.0)
    );
    assert_eq!(net.layers()[0].bias.as_slice(), &[3.0, -0.0]);
    let bf16 = serialize_raw(&[
        raw16(
            "layers.0.weight",
            Dtype::BF16,
            vec![1, 2],
            &[0x3FC0, 0xBC00],
        ),
        raw16("layers.0.bias", Dtype::BF16, vec![1], &[0x4040]),
        raw16("layers.2.weight", Dtype::BF16, vec![1, 1], &[0x3F80]),
        raw16("layers.2.bias", Dtype::BF16, vec![1], &[0x0000]),
    ]);
    let net = from_safetensors_bytes(&bf16).unwrap();
    assert_eq!(net.layers()[0].weight.as_slice(), &[1.5, -0.0078125]);
    assert_eq!(net.layers()[0].bias[0], 3.0);
    let inf = serialize_raw(&[
        raw16("layers.0.weight", Dtype::F16, vec![1, 1], &[0x7C00]),
        raw16("layers.0.bias", Dtype::F16, vec![1], &[0]),
        raw16("layers.2.weight", Dtype::F16, vec![1, 1], &[0x3C00]),
        raw16("layers.2.bias", Dtype::F16, vec![1], &[0]),
    ]);
    assert!(err(&inf).contains("non-finite"), "{}", err(&inf));
}

/// Files of other frameworks are named, with the conversion, instead of
/// "not a valid safetensors file (HeaderTooLarge)": torch.save's zip and
/// legacy pickle, HDF5 (Keras), ONNX. Nothing is unpickled.
#[test]
fn other_formats_are_named_with_the_conversion() {
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00archive/data.pkl...".to_vec();
    let e = err(&zip);
    assert!(
        e.contains("torch.save") && e.contains("save_file(torch.load("),
        "{e}"
    );
    let pickle = b"\x80\x02}q\x00(X\x06\x00\x00\x00fc.weightq\x01".to_vec();
    let e = err(&pickle);
    assert!(
        e.contains("pickle") && e.contains("weights_only=True"),
        "{e}"
    );
    let h5 = b"\x89HDF\r\n\x1a\n\x00\x00\x00\x00".to_vec();
    assert!(err(&h5).contains("HDF5"), "{}", err(&h5));
    let onnx = b"\x08\x07\x12\x07pytorch\x1a\x032.0:\x9a\x01\n\x05onnx".to_vec();
    assert!(err(&onnx).contains("ONNX"), "{}", err(&onnx));
    // and garbage stays "not a valid safetensors file"
    assert!(err(b"hello world, not a model").contains("not a valid safetensors"));
}

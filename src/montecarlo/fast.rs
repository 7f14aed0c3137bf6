//! The Monte Carlo hot loop (spec ALG-CENSUS-FAST): draw one network and
//! count, per hidden layer, its non-PD and active neurons, without building
//! a [`Network`](crate::sim::Network) and without allocating.
//!
//! Same draws as [`initialize`](crate::init::initialize) (the output layer,
//! drawn last, is not needed and not drawn), same decisions as
//! [`census`](crate::census::census). Savings, all exact:
//! - PD is decided from signs for layers >= 2 (DEF-PD); a PD neuron of a
//!   layer that is not preceded by an all-PD layer outputs exactly 0
//!   (THM-PD-IMPLIES-DEAD), so its column is never computed;
//! - columns of activations that are identically 0 (PD or dead at 0) are
//!   dropped from the next product (adding exact zeros changes nothing);
//! - once a layer is entirely PD every later layer is too (DEF-PD), so the
//!   sample stops there.

use crate::error::{Error, Result};
use crate::init::random::sample_layer_into;
use crate::init::{Architecture, InitScheme};
use crate::sim::exact_sign::{error_bound, max_l1, nonpositive};
use crate::sim::Dataset;
use nalgebra::{DMatrixView, DMatrixViewMut};
use rand_chacha::ChaCha8Rng;

/// Per-layer counts of one sampled network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SampleCounts {
    /// Non-PD neurons per hidden layer (K_l).
    pub non_pd: Vec<usize>,
    /// Active neurons per hidden layer.
    pub active: Vec<usize>,
}

impl SampleCounts {
    /// Born dead: some hidden layer entirely PD (DEF-BORN-DEAD).
    pub fn born_dead(&self) -> bool {
        self.non_pd.contains(&0)
    }
}

/// Reusable buffers for one thread.
pub struct Workspace {
    arch: Architecture,
    scheme: InitScheme,
    m: usize,
    /// Data, column-major m x d.
    x: Vec<f64>,
    /// max over points of sum_c |x_c|, rounded up (ALG-PD-SIGN's filter).
    x1: f64,
    w: Vec<f64>,
    b: Vec<f64>,
    /// Compacted W^T, column-major |S| x |T|.
    wt: Vec<f64>,
    /// Activations of kept input columns, column-major m x |S|.
    a: Vec<f64>,
    z: Vec<f64>,
    /// Indices (in the previous layer) of the kept input columns.
    kept: Vec<usize>,
    next_kept: Vec<usize>,
    /// Indices of the neurons to compute (non-PD).
    compute: Vec<usize>,
    pd_prev: Vec<bool>,
    pd: Vec<bool>,
    counts: SampleCounts,
    /// The relu pass in use (AVX2 where the CPU has it, unless forced).
    kernel: Kernel,
}

/// Which relu pass a [`Workspace`] runs. Both give bit-identical results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// 256-bit AVX2 intrinsics (x86_64 CPUs that have AVX2).
    Avx2,
    /// Portable scalar code (every CPU).
    Portable,
}

impl Kernel {
    /// The fastest kernel this CPU runs.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
        }
        Kernel::Portable
    }
}

impl Workspace {
    /// Buffers for `arch` on `data`; `scheme` must be a random scheme.
    pub fn new(scheme: &InitScheme, arch: &Architecture, data: &Dataset) -> Result<Self> {
        if let InitScheme::DataDependent = scheme {
            return Err(Error::input(
                "Monte Carlo needs a random initializer; the data-dependent one is deterministic given its rng only through the data",
            ));
        }
        if data.dim() != arch.input_dim {
            return Err(Error::input(format!(
                "the data have dimension {} but the network expects inputs of dimension {}",
                data.dim(),
                arch.input_dim
            )));
        }
        let m = data.len();
        let wmax = *arch.hidden.iter().max().expect("validated");
        let fan_max = wmax.max(arch.input_dim);
        Ok(Workspace {
            arch: arch.clone(),
            scheme: *scheme,
            m,
            x: data.points().as_slice().to_vec(),
            x1: max_l1(data.points().as_slice(), m, data.dim()),
            w: vec![0.0; fan_max * wmax],
            b: vec![0.0; wmax],
            wt: vec![0.0; fan_max * wmax],
            a: vec![0.0; m * fan_max],
            z: vec![0.0; m * wmax],
            kept: Vec::with_capacity(fan_max),
            next_kept: Vec::with_capacity(wmax),
            compute: Vec::with_capacity(wmax),
            pd_prev: Vec::with_capacity(wmax),
            pd: Vec::with_capacity(wmax),
            counts: SampleCounts {
                non_pd: vec![0; arch.hidden.len()],
                active: vec![0; arch.hidden.len()],
            },
            kernel: Kernel::detect(),
        })
    }

    /// Forces the portable (non-SIMD) relu pass (`on`), or goes back to the
    /// detected one, so that tests check it against the reference census on
    /// any CPU. Results are identical.
    pub fn use_portable_code(&mut self, on: bool) {
        self.kernel = if on {
            Kernel::Portable
        } else {
            Kernel::detect()
        };
    }

    /// The relu pass this workspace runs.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// Draws the hidden layers of one network from `rng` and counts.
    pub fn sample(&mut self, rng: &mut ChaCha8Rng) -> Result<&SampleCounts> {
        let m = self.m;
        let depth = self.arch.hidden.len();
        let mut fan_in = self.arch.input_dim;
        self.counts.non_pd.fill(0);
        self.counts.active.fill(0);
        for l in 0..depth {
            let n = self.arch.hidden[l];
            let (w, b) = (&mut self.w[..n * fan_in], &mut self.b[..n]);
            sample_layer_into(&self.scheme, fan_in, n, w, b, rng)?;
            self.pd.clear();
            self.compute.clear();
            if l == 0 {
                self.pd.resize(n, false);
                self.compute.extend(0..n);
            } else {
                // DEF-PD from signs. The previous layer is not all PD (else
                // the loop has stopped).
                for j in 0..n {
                    let row = &w[j * fan_in..(j + 1) * fan_in];
                    let pd = b[j] <= 0.0
                        && row
                            .iter()
                            .zip(&self.pd_prev)
                            .all(|(&wji, &dead)| dead || wji <= 0.0);
                    self.pd.push(pd);
                    if !pd {
                        self.compute.push(j);
                    }
                }
            }
            // Z[:, t] = A[:, S] W[T[t], S]^T + b[T[t]] for t in compute.
            let (k, t) = if l == 0 {
                (fan_in, n)
            } else {
                (self.kept.len(), self.compute.len())
            };
            let z = &mut self.z[..m * t];
            if k == 0 {
                z.fill(0.0);
            } else {
                // W is row-major n x fan_in, i.e. W^T column-major: use it
                // as is when nothing is dropped, else gather the kept part.
                let wt: &[f64] = if k == fan_in && t == n {
                    w
                } else {
                    let wt = &mut self.wt[..k * t];
                    for (c, &j) in self.compute.iter().enumerate() {
                        let row = &w[j * fan_in..(j + 1) * fan_in];
                        for (dst, &i) in wt[c * k..(c + 1) * k].iter_mut().zip(&self.kept) {
                            *dst = row[i];
                        }
                    }
                    wt
                };
                let a: &[f64] = if l == 0 { &self.x } else { &self.a[..m * k] };
                let av = DMatrixView::from_slice(a, m, k);
                let wv = DMatrixView::from_slice(wt, k, t);
                let mut zv = DMatrixViewMut::from_slice(z, m, t);
                zv.gemm(1.0, &av, &wv, 0.0);
            }
            // One pass per computed neuron: add the bias, apply relu, decide
            // constancy and non-zero-ness (exact), and write the activations
            // straight into the next input buffer (the product is done). A
            // layer-1 neuron is PD iff all its relu outputs are 0.
            self.next_kept.clear();
            let mut non_pd = n;
            let mut active = 0;
            let mut out = 0; // next free column of the activation buffer
            for c in 0..t {
                let j = self.compute[c];
                let col = &z[c * m..(c + 1) * m];
                let dst = &mut self.a[out * m..(out + 1) * m];
                let (differs, nonzero, raw_max) = relu_pass(self.kernel, col, b[j], dst);
                if l == 0 {
                    // PD iff w.x + b <= 0 at every point, decided exactly
                    // in sign (ALG-PD-SIGN): the f64 maximum decides unless
                    // it is within the rounding bound of 0
                    let row = &w[j * fan_in..(j + 1) * fan_in];
                    let wmax = row.iter().fold(0.0f64, |a, v| a.max(v.abs()));
                    let bound = error_bound(fan_in + 1, wmax * self.x1 + b[j].abs());
                    let pd = if raw_max > bound {
                        false
                    } else if raw_max < -bound {
                        true
                    } else {
                        let x = &self.x;
                        (0..m).all(|i| {
                            nonpositive(
                                col[i] + b[j],
                                bound,
                                row,
                                (0..fan_in).map(|c| x[i + c * m]),
                                b[j],
                            )
                        })
                    };
                    if pd {
                        self.pd[j] = true;
                        // outputs that round above 0 still feed the next
                        // layer, as in the f64 forward pass
                        if nonzero {
                            self.next_kept.push(j);
                            out += 1;
                        }
                        continue;
                    }
                }
                if differs {
                    active += 1;
                }
                if nonzero {
                    self.next_kept.push(j);
                    out += 1;
                }
            }
            non_pd -= self.pd.iter().filter(|&&p| p).count();
            self.counts.non_pd[l] = non_pd;
            self.counts.active[l] = active;
            if non_pd == 0 {
                // Every later layer is entirely PD (DEF-PD), hence dead.
                break;
            }
            std::mem::swap(&mut self.kept, &mut self.next_kept);
            std::mem::swap(&mut self.pd_prev, &mut self.pd);
            fan_in = n;
        }
        Ok(&self.counts)
    }
}

/// dst = relu(col + b); returns (some output differs from another, some
/// output is non-zero, the largest col + b). Outputs are >= 0 and never
/// -0.0, so: constant iff min == max, non-zero iff max > 0 (exact
/// comparisons).
#[inline(always)]
fn relu_pass_generic(col: &[f64], b: f64, dst: &mut [f64]) -> (bool, bool, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = 0.0f64;
    let mut raw = f64::NEG_INFINITY;
    for (d, &v) in dst.iter_mut().zip(col) {
        let s = v + b;
        let r = relu(s);
        *d = r;
        lo = lo.min(r);
        hi = hi.max(r);
        raw = raw.max(s);
    }
    (lo != hi, hi > 0.0, raw)
}

/// The same computation with AVX2 intrinsics: one addition v + b (as in
/// the scalar code) and max(., +0.0), which returns +0.0 for v + b <= 0.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn relu_pass_avx2(col: &[f64], b: f64, dst: &mut [f64]) -> (bool, bool, f64) {
    use std::arch::x86_64::*;
    let n = col.len().min(dst.len());
    let (cp, dp) = (col.as_ptr(), dst.as_mut_ptr());
    let bv = _mm256_set1_pd(b);
    let zero = _mm256_setzero_pd();
    let (mut lo0, mut lo1) = (_mm256_set1_pd(f64::INFINITY), _mm256_set1_pd(f64::INFINITY));
    let (mut hi0, mut hi1) = (zero, zero);
    let ninf = _mm256_set1_pd(f64::NEG_INFINITY);
    let (mut raw0, mut raw1) = (ninf, ninf);
    let mut i = 0;
    while i + 8 <= n {
        let s0 = _mm256_add_pd(_mm256_loadu_pd(cp.add(i)), bv);
        let s1 = _mm256_add_pd(_mm256_loadu_pd(cp.add(i + 4)), bv);
        raw0 = _mm256_max_pd(raw0, s0);
        raw1 = _mm256_max_pd(raw1, s1);
        let r0 = _mm256_max_pd(s0, zero);
        let r1 = _mm256_max_pd(s1, zero);
        _mm256_storeu_pd(dp.add(i), r0);
        _mm256_storeu_pd(dp.add(i + 4), r1);
        lo0 = _mm256_min_pd(lo0, r0);
        lo1 = _mm256_min_pd(lo1, r1);
        hi0 = _mm256_max_pd(hi0, r0);
        hi1 = _mm256_max_pd(hi1, r1);
        i += 8;
    }
    let mut l = [0.0f64; 4];
    let mut h = [0.0f64; 4];
    _mm256_storeu_pd(l.as_mut_ptr(), _mm256_min_pd(lo0, lo1));
    _mm256_storeu_pd(h.as_mut_ptr(), _mm256_max_pd(hi0, hi1));
    let mut rw = [0.0f64; 4];
    _mm256_storeu_pd(rw.as_mut_ptr(), _mm256_max_pd(raw0, raw1));
    let mut lo = l.iter().fold(f64::INFINITY, |a, &x| a.min(x));
    let mut hi = h.iter().fold(0.0f64, |a, &x| a.max(x));
    let mut raw = rw.iter().fold(f64::NEG_INFINITY, |a, &x| a.max(x));
    while i < n {
        let s = *cp.add(i) + b;
        let r = relu(s);
        *dp.add(i) = r;
        lo = lo.min(r);
        hi = hi.max(r);
        raw = raw.max(s);
        i += 1;
    }
    (lo != hi, hi > 0.0, raw)
}

#[inline]
fn relu_pass(kernel: Kernel, col: &[f64], b: f64, dst: &mut [f64]) -> (bool, bool, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if kernel == Kernel::Avx2 {
            // SAFETY: Kernel::Avx2 is only ever set by Kernel::detect, on a
            // CPU that supports AVX2.
            return unsafe { relu_pass_avx2(col, b, dst) };
        }
    }
    let _ = kernel;
    relu_pass_generic(col, b, dst)
}

#[inline]
fn relu(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

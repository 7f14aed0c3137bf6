//! Census throughput (networks per second): width 32, depth 10, 256 points
//! in 2-D (uniform cube [-1, 1]^2), He normal, zero or N(0, 0.1^2) biases.
//!
//! Two groups:
//! - `census_wall`: wall-clock time, single thread and all threads (2 on the
//!   reference machine) through the Monte Carlo driver, the fast census of
//!   one network, and the reference path (build a Network, forward, census).
//! - `census_cpu`: the same work measured in CPU time (Linux /proc), which
//!   stays meaningful on a machine shared with other jobs: thread CPU time
//!   for the single-threaded paths, process CPU time for the Monte Carlo
//!   runs (equal CPU per network on 1 and 2 threads = no parallel overhead).

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use relu_trainability::census::census;
use relu_trainability::init::{initialize, Architecture, BiasInit, InitScheme, WeightInit};
use relu_trainability::io::data::load_data;
use relu_trainability::montecarlo::{run, sample_rng, McConfig, Workspace};
use relu_trainability::sim::Dataset;
use std::time::Duration;

/// CPU time in ns: of the calling thread (`/proc/thread-self/schedstat`) or
/// of the whole process (`/proc/self/stat`, utime + stime, clock ticks).
#[derive(Clone, Copy)]
struct CpuTime {
    process: bool,
}

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|t| t.parse().ok()))
        .unwrap_or(0)
}

fn process_cpu_ns() -> u64 {
    // Fields 14 and 15 (1-based; indices 11, 12 counted from the state) after the ")" of the command name; USER_HZ = 100.
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|t| t.parse::<u64>().ok()).unwrap_or(0);
    (field(11) + field(12)) * 10_000_000
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        if self.process {
            process_cpu_ns()
        } else {
            thread_cpu_ns()
        }
    }
    fn end(&self, i: u64) -> u64 {
        self.start().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NsFormatter
    }
}

struct NsFormatter;

impl ValueFormatter for NsFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (f, u) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e-3, "µs cpu")
        } else if typical < 1e9 {
            (1e-6, "ms cpu")
        } else {
            (1e-9, "s cpu")
        };
        values.iter_mut().for_each(|v| *v *= f);
        u
    }
    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let n = match *t {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
                n as f64
            }
        };
        values.iter_mut().for_each(|v| *v = n * 1e9 / *v);
        "networks per cpu-second"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn setup() -> (Architecture, Dataset) {
    let arch = Architecture::new(2, vec![32; 10], 1).unwrap();
    let data = load_data("cube:1:256", 2, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
    (arch, data)
}

const BIASES: [(&str, BiasInit); 2] = [
    ("zero_bias", BiasInit::Zero),
    ("normal_bias", BiasInit::Normal(0.1)),
];

fn single<M: Measurement>(g: &mut BenchmarkGroup<'_, M>, arch: &Architecture, data: &Dataset) {
    for (name, bias) in BIASES {
        let scheme = InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias,
        };
        let mut ws = Workspace::new(&scheme, arch, data).unwrap();
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("{name}/fast_census_one_network"), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                ws.sample(&mut sample_rng(7, i)).unwrap().non_pd[9]
            })
        });
        g.bench_function(format!("{name}/reference_init_forward_census"), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                let net = initialize(&scheme, arch, data, &mut sample_rng(7, i)).unwrap();
                census(&net, data).unwrap().born_dead()
            })
        });
    }
}

fn montecarlo<M: Measurement>(g: &mut BenchmarkGroup<'_, M>, arch: &Architecture, data: &Dataset) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (name, bias) in BIASES {
        let scheme = InitScheme::Random {
            weights: WeightInit::HeNormal,
            bias,
        };
        let n = 2048u64;
        g.throughput(Throughput::Elements(n));
        for t in [1, threads] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            let cfg = McConfig {
                arch: arch.clone(),
                scheme,
                samples: n,
                seed: 7,
            };
            g.bench_function(format!("{name}/montecarlo_{t}_threads"), |b| {
                b.iter(|| pool.install(|| run(&cfg, data, false).unwrap()))
            });
        }
    }
}

fn wall(c: &mut Criterion) {
    let (arch, data) = setup();
    let mut g = c.benchmark_group("census_wall");
    g.measurement_time(Duration::from_secs(8)).sample_size(20);
    montecarlo(&mut g, &arch, &data);
    single(&mut g, &arch, &data);
    g.finish();
}

fn cpu_thread(c: &mut Criterion<CpuTime>) {
    let (arch, data) = setup();
    let mut g = c.benchmark_group("census_cpu_thread");
    g.measurement_time(Duration::from_secs(8)).sample_size(20);
    single(&mut g, &arch, &data);
    g.finish();
}

fn cpu_process(c: &mut Criterion<CpuTime>) {
    let (arch, data) = setup();
    let mut g = c.benchmark_group("census_cpu_process");
    g.measurement_time(Duration::from_secs(10)).sample_size(10);
    montecarlo(&mut g, &arch, &data);
    g.finish();
}

criterion_group!(wall_group, wall);
criterion_group! {
    name = cpu_thread_group;
    config = Criterion::default().with_measurement(CpuTime { process: false });
    targets = cpu_thread
}
criterion_group! {
    name = cpu_process_group;
    config = Criterion::default().with_measurement(CpuTime { process: true });
    targets = cpu_process
}
criterion_main!(cpu_thread_group, cpu_process_group, wall_group);

//! `trainability census`: active / tentatively dead / permanently dead
//! neurons of a saved model on data (spec DEF-DEAD, DEF-PD, DEF-TD,
//! FMT-SAFETENSORS, FMT-CENSUS-JSON).

use super::args::{print_json, Format};
use super::out::outln;
use crate::census::{census, Census, NeuronState};
use crate::error::Result;
use crate::io::data::load_data;
use crate::io::model::read_safetensors;
use crate::montecarlo::sample_rng;
use serde_json::{json, Value};

/// `trainability census` arguments.
#[derive(clap::Args, Debug)]
pub struct CensusArgs {
    /// Model file (safetensors, layers.{i}.weight / layers.{i}.bias or
    /// {i}.weight / {i}.bias of an nn.Sequential of Linear and ReLU).
    #[arg(long)]
    pub model: std::path::PathBuf,
    /// Inputs: a .csv / .npy path (or csv:PATH, npy:PATH, or a generator
    /// such as ball:R:M, seeded by --seed).
    #[arg(long)]
    pub data: String,
    /// Also list the neuron indices (0-based) of each state.
    #[arg(long)]
    pub indices: bool,
    /// Seed of generated data (stream 2^64-1, as in simulate and init).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `census`.
pub fn run(a: &CensusArgs) -> Result<i32> {
    let net = read_safetensors(&a.model)?;
    let data = load_data(&a.data, net.input_dim(), &mut sample_rng(a.seed, u64::MAX))?;
    let c = census(&net, &data)?;
    match a.format {
        Format::Json => print_json(&census_json(&c, a.indices))?,
        Format::Table => print_table(&c, a.indices, data.len())?,
    }
    Ok(0)
}

fn indices(c: &Census, l: usize, s: NeuronState) -> Vec<usize> {
    c.layers[l].indices(s)
}

/// The JSON document (FMT-CENSUS-JSON): `layers[]` with `width`, `active`,
/// `tentatively_dead`, `permanently_dead` (and index lists on request), and
/// `born_dead`.
pub fn census_json(c: &Census, with_indices: bool) -> Value {
    let layers: Vec<Value> = c
        .layers
        .iter()
        .enumerate()
        .map(|(l, lc)| {
            let mut v = json!({
                "width": lc.states.len(),
                "active": lc.active(),
                "tentatively_dead": lc.tentatively_dead(),
                "permanently_dead": lc.permanently_dead(),
            });
            if with_indices {
                v["active_indices"] = json!(indices(c, l, NeuronState::Active));
                v["tentatively_dead_indices"] = json!(indices(c, l, NeuronState::TentativelyDead));
                v["permanently_dead_indices"] = json!(indices(c, l, NeuronState::PermanentlyDead));
            }
            v
        })
        .collect();
    json!({ "layers": layers, "born_dead": c.born_dead() })
}

fn print_table(c: &Census, with_indices: bool, m: usize) -> Result<()> {
    outln!("census on {m} points")?;
    outln!(
        "{:>5} {:>6} {:>7} {:>10} {:>10}",
        "layer",
        "width",
        "active",
        "tent.dead",
        "perm.dead"
    )?;
    for (l, lc) in c.layers.iter().enumerate() {
        outln!(
            "{:>5} {:>6} {:>7} {:>10} {:>10}",
            l + 1,
            lc.states.len(),
            lc.active(),
            lc.tentatively_dead(),
            lc.permanently_dead()
        )?;
        if with_indices {
            for (name, s) in [
                ("tentatively dead", NeuronState::TentativelyDead),
                ("permanently dead", NeuronState::PermanentlyDead),
            ] {
                let ix = indices(c, l, s);
                if !ix.is_empty() {
                    outln!("      {name}: {ix:?}")?;
                }
            }
        }
    }
    outln!("born dead: {}", if c.born_dead() { "yes" } else { "no" })?;
    Ok(())
}

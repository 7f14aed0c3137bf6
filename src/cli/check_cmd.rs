//! `trainability check`: test sampled counts from another implementation
//! against the exact law (spec ALG-CHECK); `--power` prints how many samples
//! are needed to detect standard deviations (ALG-POWER).

use super::args::{parse_prob, parse_width, print_json, Format};
use super::out::{out, outln};
use super::q1_cmd::{describe, load, q1_for};
use crate::error::{Error, Result};
use crate::exact::general::{step_law, BiasLaw, GeneralChain, WeightLaw};
use crate::exact::{BiasMode, ChainSpec};
use crate::init::InitScheme;
use crate::io::data::HeaderMode;
use crate::montecarlo::theory::bias_mode;
use crate::oracle::check::check_law_with;
use crate::oracle::check::{check_samples_with, false_alarm, CheckReport, ComponentTest, Kind};
use crate::oracle::check_law::CheckLaw;
use crate::oracle::laws::{check_samples_cost, power_cost};
use crate::oracle::power::{power_rows, render_markdown};
use crate::oracle::power_active::active_power_rows;
use crate::oracle::q1_interval::check_interval;
use crate::oracle::samples::read_samples_with;
use crate::q1::{Q1Result, Q1Value};
use crate::rational::from_f64_exact;
use crate::stats::gof::PValues;
use num_rational::BigRational;
use std::path::PathBuf;

/// `trainability check` arguments.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Hidden widths N_1,...,N_{L-1}, e.g. 8,8,8.
    #[arg(long, required = true, value_delimiter = ',', value_parser = parse_width)]
    pub widths: Vec<usize>,
    /// Bias initialization: zero (beta = 0, the default) or symmetric
    /// (beta = 1); with --q1-from-data the bias law: zero, normal:STD,
    /// uniform:A or fan-in (default fan-in for torch-default, zero otherwise).
    #[arg(long)]
    pub bias: Option<String>,
    /// First-layer PD probability q1, exact: 1/2, 0.25, 1e-3.
    #[arg(long, default_value = "0", value_parser = parse_prob, conflicts_with = "q1_from_data")]
    pub q1: BigRational,
    /// Derive q1 from this data set (csv/npy) and --init/--bias (spec
    /// ALG-CHECK-Q1-INTERVAL): exact where a closed form exists, else a Monte
    /// Carlo interval and a composite test with false-alarm bound alpha + delta.
    #[arg(long, value_name = "DATA")]
    pub q1_from_data: Option<String>,
    /// Weight initializer of the sampled networks (with --q1-from-data).
    #[arg(long, default_value = "he-normal", requires = "q1_from_data")]
    pub init: String,
    /// Input dimension of a generated --q1-from-data source (files give their own).
    #[arg(long, requires = "q1_from_data")]
    pub input_dim: Option<usize>,
    /// 1 - confidence of a Monte Carlo q1 interval (added to the false-alarm bound).
    #[arg(long, default_value_t = 1e-6, requires = "q1_from_data")]
    pub q1_delta: f64,
    /// Monte Carlo neurons for q1 when no closed form applies.
    #[arg(long, default_value_t = 1_000_000, requires = "q1_from_data")]
    pub q1_samples: u64,
    /// Seed of the q1 Monte Carlo.
    #[arg(long, default_value_t = 0, requires = "q1_from_data")]
    pub q1_seed: u64,
    /// Counts: one row per sampled network, one column per hidden layer; CSV, whitespace-separated
    /// (np.savetxt, 4.000e+00 read as 4) or .npy (np.save); header optional.
    #[arg(long, required_unless_present = "power")]
    pub samples: Option<PathBuf>,
    /// First row of a text samples file: auto (a row with no number is a
    /// header; pandas' labels 0,1,... are refused as ambiguous), yes, no.
    #[arg(long, value_enum, default_value = "auto")]
    pub header: crate::io::data::HeaderMode,
    /// What the counts are: non-PD neurons (exact law) or active neurons (one-sided test).
    #[arg(long, value_enum, default_value = "nonpd")]
    pub kind: Kind,
    /// Level of the overall test (reject when the overall p-value is below it).
    #[arg(long, default_value_t = 1e-3)]
    pub alpha: f64,
    /// p-values of the chi-square components: auto (exact tails, valid at every sample
    /// size, while the enumeration fits the budget; the chi-square approximation, marked
    /// "asymptotic", beyond) or asymptotic (always the approximation, as scipy's chisquare).
    #[arg(long, value_enum, default_value = "auto")]
    pub p_values: PValues,
    /// Weight law of layers >= 2 (spec THM-CHAIN-GENERAL): he (symmetric,
    /// the default), rai, sparse:S or weight-sign:A, one for every layer or
    /// a comma-separated list, one per layer after the first; with any of
    /// these or --bias const:V / bias-sign:C the samples are tested against
    /// the exact general law (not with --q1-from-data or --power).
    #[arg(long = "law", value_delimiter = ',', default_value = "he")]
    pub weights: Vec<WeightLaw>,
    /// Instead of testing, print the samples needed for power 0.9 / 0.99 against standard
    /// deviations (q1 +- 0.05, wrong bias mode, a layer one narrower), for the given --kind.
    #[arg(long)]
    pub power: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `check`: exit 0 accept, 1 reject (errors exit 2 in the caller).
pub fn run(a: &CheckArgs) -> Result<i32> {
    if !(a.alpha > 0.0 && a.alpha < 1.0) {
        return Err(Error::input(format!(
            "--alpha {} is not in (0, 1)",
            a.alpha
        )));
    }
    if let Some(chain) = general_chain(a)? {
        let law = CheckLaw::General(&chain);
        let steps: Vec<String> = chain.steps.iter().map(|s| s.describe()).collect();
        let head = format!(
            "law of layers >= 2: {} (THM-CHAIN-GENERAL)\n\n",
            steps.first().cloned().unwrap_or_default()
        );
        return test_and_print(a, &law, ("law", serde_json::json!(steps)), &head);
    }
    let (bias, q1, derived) = match &a.q1_from_data {
        None => (
            a.bias
                .as_deref()
                .unwrap_or("zero")
                .parse::<BiasMode>()
                .map_err(|e| {
                    Error::input(format!(
                        "{e} (a bias law such as normal:STD goes with --q1-from-data)"
                    ))
                })?,
            a.q1.clone(),
            None,
        ),
        Some(src) => {
            let (bias, q1, r) = derive_q1(a, src)?;
            if let Some(q1) = q1 {
                (bias, q1, Some(r))
            } else {
                return run_interval(a, bias, &r);
            }
        }
    };
    let spec = ChainSpec::new(a.widths.clone(), bias, q1)?;
    if let Some(r) = &derived {
        if a.format == Format::Table {
            outln!(
                "q1 from {}: {}",
                a.q1_from_data.as_deref().unwrap_or(""),
                describe(r)
            )?;
            outln!(
                "q1 source: {}; false-alarm bound alpha = {}\n",
                r.source(),
                a.alpha
            )?;
        }
    }
    if a.power {
        power_cost(&spec.widths, a.kind == Kind::Active)?;
        let rows = match a.kind {
            Kind::NonPd => power_rows(&spec, a.alpha)?,
            Kind::Active => active_power_rows(&spec, a.alpha)?,
        };
        match a.format {
            Format::Json => print_json(
                &serde_json::to_value(&rows).map_err(|e| Error::Numerical(e.to_string()))?,
            )?,
            Format::Table => {
                let (kind, how) = match a.kind {
                    Kind::NonPd => (
                        "nonpd",
                        "noncentral chi-square, the power of `check --p-values asymptotic` (the \
                         default's exact p-values are conservative; their power is not computed); \
                         each n is the smallest from which the power stays >= the target for every \
                         n' up to 1e9",
                    ),
                    Kind::Active => (
                        "active",
                        "exact binomial tails, counts with no TD neuron; each n is the first n \
                         reaching the target",
                    ),
                };
                outln!(
                    "samples needed by `check --kind {kind}` at alpha = {} ({how}; spec ALG-POWER)\n",
                    a.alpha
                )?;
                out!("{}", render_markdown(&rows))?;
            }
        }
        return Ok(0);
    }
    let extra = match &derived {
        Some(r) => ("q1_from_data", r.to_json()),
        None => ("", serde_json::Value::Null),
    };
    test_and_print(a, &CheckLaw::Chain(&spec), extra, "")
}

/// Reads the samples, tests them against `law` and prints the report (the
/// JSON gets `extra` when its name is not empty, the table `head` first);
/// exit 0 accept, 1 reject.
fn test_and_print(
    a: &CheckArgs,
    law: &CheckLaw,
    extra: (&str, serde_json::Value),
    head: &str,
) -> Result<i32> {
    let path = a
        .samples
        .as_ref()
        .expect("clap requires --samples without --power");
    check_samples_cost(law.widths(), a.kind == Kind::NonPd)?;
    let samples = read_samples_with(path, law.widths(), a.header)?;
    let report = check_law_with(law, &samples, a.kind, a.alpha, a.p_values)?;
    match a.format {
        Format::Json => {
            let mut v =
                serde_json::to_value(&report).map_err(|e| Error::Numerical(e.to_string()))?;
            if !extra.0.is_empty() {
                v[extra.0] = extra.1;
            }
            print_json(&v)?
        }
        Format::Table => {
            out!("{head}")?;
            print_table(&report)?
        }
    }
    Ok(if report.reject { 1 } else { 0 })
}

/// The general law (THM-CHAIN-GENERAL) when --law or --bias asks for one.
fn general_chain(a: &CheckArgs) -> Result<Option<GeneralChain>> {
    let symmetric_weights = a
        .weights
        .iter()
        .all(|w| *w == "he".parse::<WeightLaw>().expect("he"));
    let bias_text = a.bias.as_deref().unwrap_or("zero");
    let general_bias = bias_text.parse::<BiasMode>().is_err()
        && (bias_text.trim().starts_with("const:") || bias_text.trim().starts_with("bias-sign:"));
    if symmetric_weights && !general_bias {
        return Ok(None);
    }
    if a.q1_from_data.is_some() || a.power {
        return Err(Error::input(
            "--law and --bias const:V / bias-sign:C take an explicit --q1 and samples; \
             --q1-from-data and --power compute THM-CHAIN's laws only",
        ));
    }
    let bias: BiasLaw = bias_text.parse()?;
    let steps: Vec<_> = a.weights.iter().map(|w| step_law(w, &bias)).collect();
    GeneralChain::new(a.widths.clone(), a.q1.clone(), steps).map(Some)
}

/// q1 for --q1-from-data: (bias mode, q1 when exact or bounded, result).
fn derive_q1(a: &CheckArgs, src: &str) -> Result<(BiasMode, Option<BigRational>, Q1Result)> {
    let bias = a
        .bias
        .clone()
        .unwrap_or_else(|| crate::init::random::default_bias(&a.init).into());
    let scheme = InitScheme::from_cli(&a.init, &bias)?;
    let bias = bias_mode(&scheme).ok_or_else(|| {
        Error::input(format!(
            "--init {}: the law THM-CHAIN does not apply to this initializer",
            a.init
        ))
    })?;
    if !(a.q1_delta > 0.0 && a.q1_delta < 1.0) {
        return Err(Error::input(format!(
            "--q1-delta {} is not in (0, 1)",
            a.q1_delta
        )));
    }
    let (data, _) = load(src, a.input_dim, HeaderMode::Auto, a.q1_seed)?;
    let r = q1_for(
        &data,
        &scheme,
        Some(a.widths[0]),
        a.q1_samples,
        a.q1_seed,
        1.0 - a.q1_delta,
        false,
        None,
    )?;
    let q1 = match &r.value {
        Q1Value::Exact(q) => Some(q.clone()),
        Q1Value::Bounded { value, .. } => Some(from_f64_exact(*value)?),
        Q1Value::Interval { .. } => None,
    };
    Ok((bias, q1, r))
}

/// The composite test of ALG-CHECK-Q1-INTERVAL.
fn run_interval(a: &CheckArgs, bias: BiasMode, r: &Q1Result) -> Result<i32> {
    let Q1Value::Interval { lo, hi, .. } = r.value else {
        return Err(Error::Numerical("expected a q1 interval".into()));
    };
    if a.power {
        return Err(Error::input(
            "--power needs a q1 value; q1 is only known as a Monte Carlo interval here",
        ));
    }
    let path = a
        .samples
        .as_ref()
        .expect("clap requires --samples without --power");
    check_samples_cost(&a.widths, a.kind == Kind::NonPd)?;
    let samples = read_samples_with(path, &a.widths, a.header)?;
    if a.kind == Kind::Active {
        // A_l <=st K_l(q1) <=st K_l(lo): the dominance test at q1 = lo
        let spec = ChainSpec::new(a.widths.clone(), bias, from_f64_exact(lo)?)?;
        let mut report = check_samples_with(&spec, &samples, a.kind, a.alpha, a.p_values)?;
        (report.false_alarm_bound, report.false_alarm) =
            false_alarm(&report.tests, a.alpha, a.q1_delta, a.p_values);
        match a.format {
            Format::Json => {
                let mut v =
                    serde_json::to_value(&report).map_err(|e| Error::Numerical(e.to_string()))?;
                v["q1_from_data"] = r.to_json();
                print_json(&v)?
            }
            Format::Table => {
                outln!("q1: {}", describe(r))?;
                outln!(
                    "q1 source: {}; the dominance test uses q1 = lo = {lo:e} (fewest PD) \
                     (spec ALG-CHECK-Q1-INTERVAL)\n",
                    r.source(),
                )?;
                print_table(&report)?
            }
        }
        return Ok(if report.reject { 1 } else { 0 });
    }
    let rep = check_interval(
        &a.widths, bias, lo, hi, a.q1_delta, &samples, a.alpha, a.p_values,
    )?;
    match a.format {
        Format::Json => {
            let mut v = serde_json::to_value(&rep).map_err(|e| Error::Numerical(e.to_string()))?;
            v["q1_from_data"] = r.to_json();
            print_json(&v)?
        }
        Format::Table => {
            outln!("q1: {}", describe(r))?;
            outln!("q1 source: {}", r.source())?;
            outln!(
                "check: {} samples, non-PD counts vs THM-CHAIN with q1 anywhere in [{lo:e}, {hi:e}] \
                 (composite test, spec ALG-CHECK-Q1-INTERVAL)",
                rep.samples
            )?;
            print_tests(&rep.tests, 22)?;
            print_overall(
                (rep.overall_p_value, rep.overall_p_value_log10),
                rep.tests.len(),
                rep.alpha,
                rep.reject,
                "REJECT (the samples do not follow the law for any q1 in the interval)",
            )?;
            outln!("false-alarm rate: {}", rep.false_alarm)?;
        }
    }
    Ok(if rep.reject { 1 } else { 0 })
}

/// The component tests of a report, one row each; `name_width` is the
/// width of the test-name column.
fn print_tests(tests: &[ComponentTest], name_width: usize) -> Result<()> {
    outln!(
        "\n{:<name_width$}  layer   statistic  dof     p-value  method",
        "test"
    )?;
    for t in tests {
        let st = t.statistic.map_or("-".to_string(), |s| format!("{s:.3}"));
        let dof = t.dof.map_or("-".to_string(), |d| d.to_string());
        outln!(
            "{:<name_width$}  {:>5}  {:>10}  {:>3}  {:>10}  {}",
            t.test,
            t.layer,
            st,
            dof,
            fmt_p(t.p_value, t.p_value_log10),
            t.p_value_method
        )?;
    }
    Ok(())
}

/// The verdict line: the Bonferroni p-value (value, log10 form), the
/// number of tests, alpha and the decision.
fn print_overall(
    p: (Option<f64>, Option<f64>),
    tests: usize,
    alpha: f64,
    reject: bool,
    why: &str,
) -> Result<()> {
    outln!(
        "\noverall p-value {} (Bonferroni over {tests} tests), alpha {alpha}: {}",
        fmt_p(p.0, p.1),
        if reject {
            why
        } else {
            "ACCEPT (no evidence against the law)"
        }
    )
}

/// The table `check` prints for a report (also the explanation the
/// Python package attaches to its results).
pub fn print_table(r: &CheckReport) -> Result<()> {
    let kind = match r.kind {
        Kind::NonPd => "non-PD counts vs the exact law",
        Kind::Active => "active counts vs the non-PD law (one-sided)",
    };
    outln!("check: {} samples, {kind}", r.samples)?;
    outln!("\nlayer  width  mean observed  mean expected")?;
    for l in &r.layers {
        outln!(
            "{:>5}  {:>5}  {:>13.4}  {:>13.4}",
            l.layer,
            l.width,
            l.mean_observed,
            l.mean_expected
        )?;
    }
    print_tests(&r.tests, 10)?;
    print_overall(
        (r.overall_p_value, r.overall_p_value_log10),
        r.tests.len(),
        r.alpha,
        r.reject,
        "REJECT (the samples do not follow the law)",
    )?;
    outln!("false-alarm rate: {}", r.false_alarm)?;
    print_deviations(r)?;
    for w in &r.warnings {
        outln!("note: {w}")?;
    }
    if !r.reject && r.kind == Kind::NonPd {
        outln!("(how many samples detect what: trainability check --power with the same network)")?;
    }
    Ok(())
}

/// A p-value for the table: f64 when representable, else 10^(log10), and
/// "0" only for an exactly impossible count.
fn fmt_p(p: Option<f64>, log10: Option<f64>) -> String {
    match (p, log10) {
        (Some(p), Some(_)) => format!("{p:.3e}"),
        (_, Some(l)) => format!("10^{l:.2}"),
        _ => "0".to_string(),
    }
}

/// The components that reject on their own, their direction and largest
/// cells, then the expected and observed histograms of the layers they
/// name (spec ALG-CHECK-EXPLAIN).
fn print_deviations(r: &CheckReport) -> Result<()> {
    if r.deviations.is_empty() {
        return Ok(());
    }
    outln!("\ndeviations (components that reject on their own):")?;
    let mut layers: Vec<usize> = Vec::new();
    for d in &r.deviations {
        outln!("  {} test, {}", d.test, d.explanation)?;
        for c in &d.top_cells {
            let contrib = c
                .contribution
                .map_or(String::new(), |x| format!(", (O-E)^2/E = {x:.2}"));
            outln!(
                "    {}: observed {}, expected {:.2}{contrib}",
                c.cells,
                c.observed,
                c.expected
            )?;
        }
        if d.test == "transition" && !layers.contains(&(d.layer - 1)) {
            layers.push(d.layer - 1);
        }
        if !layers.contains(&d.layer) {
            layers.push(d.layer);
        }
    }
    layers.sort_unstable();
    let pooled_note = match r.kind {
        Kind::NonPd => "; pooled = the cells merged into one for the chi-square test",
        Kind::Active => "",
    };
    outln!(
        "\nhistograms (expected = n * P(K_l = k) under the claimed non-PD law{pooled_note}; \
         cells with expected < 0.005 and none observed are omitted):"
    )?;
    for &l in &layers {
        let s = &r.layers[l - 1];
        outln!("layer {l} (width {})", s.width)?;
        outln!("{:>7}  {:>12}  {:>9}  pooled", "k", "expected", "observed")?;
        let mut omitted = 0usize;
        for c in &s.histogram {
            if c.observed == 0 && c.expected < 0.005 {
                omitted += 1;
                continue;
            }
            let pooled = c
                .pooled
                .map_or(String::new(), |[a, b]| format!("{a}..={b}"));
            let row = format!(
                "{:>7}  {:>12.3}  {:>9}  {pooled}",
                c.k, c.expected, c.observed
            );
            outln!("{}", row.trim_end())?;
        }
        if omitted > 0 {
            outln!("  ({omitted} cells omitted)")?;
        }
    }
    Ok(())
}

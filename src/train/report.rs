//! Output of the experiments (spec ALG-EXPERIMENTS, FMT-REPRODUCE): a
//! terminal summary, CSV tables, one JSON file with everything, and charts.

use super::experiments::{BornDeadPoint, CellResult, Report};
use crate::error::{Error, Result};
use crate::io::plots::{write_chart, Chart, Series, SeriesKind};
use plotters::chart::SeriesLabelPosition;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A flat CSV row of a cell.
#[derive(Serialize)]
struct CellRow<'a> {
    task: &'a str,
    init: &'a str,
    width: usize,
    depth: usize,
    runs: usize,
    successes: usize,
    success_rate: f64,
    ci_low: f64,
    ci_high: f64,
    trainability: Option<f64>,
    bound_u: Option<f64>,
    born_dead_exact: Option<f64>,
    born_dead_observed: f64,
    mean_final_loss: f64,
    median_final_loss: f64,
    dead_fraction_per_layer: String,
    below_floor: usize,
    successes_outside_e: usize,
    q1_source: Option<&'a str>,
}

fn row(c: &CellResult) -> CellRow<'_> {
    CellRow {
        task: c.task,
        init: c.init,
        width: c.width,
        depth: c.depth,
        runs: c.runs,
        successes: c.successes,
        success_rate: c.success_rate,
        ci_low: c.ci_low,
        ci_high: c.ci_high,
        trainability: c.trainability,
        bound_u: c.bound_u,
        born_dead_exact: c.born_dead_exact,
        born_dead_observed: c.born_dead_observed,
        mean_final_loss: c.mean_final_loss,
        median_final_loss: c.median_final_loss,
        dead_fraction_per_layer: c
            .dead_fraction
            .iter()
            .map(|f| format!("{f:.4}"))
            .collect::<Vec<_>>()
            .join(" "),
        below_floor: c.below_floor,
        successes_outside_e: c.successes_outside_e,
        q1_source: c.q1_source,
    }
}

#[derive(Serialize)]
struct BornDeadRow {
    bias: &'static str,
    width: usize,
    depth: usize,
    exact: f64,
    mc_samples: Option<usize>,
    mc_born_dead: Option<usize>,
    mc_ci_low: Option<f64>,
    mc_ci_high: Option<f64>,
}

fn write_csv<T: Serialize>(path: &Path, rows: impl IntoIterator<Item = T>) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    for r in rows {
        w.serialize(r).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    }
    w.flush()
        .map_err(|e| Error::io(path.display().to_string(), e))
}

/// Writes tables (CSV), the full report (JSON) and the charts into `dir`
/// (created if needed); returns the files written.
pub fn write_outputs(r: &Report, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let mut files = Vec::new();
    let p = dir.join("success_vs_trainability.csv");
    write_csv(&p, r.sweep.iter().map(row))?;
    files.push(p);
    if !r.init_compare.is_empty() {
        let p = dir.join("he_vs_data_dependent.csv");
        write_csv(&p, r.init_compare.iter().map(row))?;
        files.push(p);
    }
    let p = dir.join("born_dead_vs_depth.csv");
    write_csv(
        &p,
        r.born_dead.iter().map(|b| BornDeadRow {
            bias: b.bias,
            width: b.width,
            depth: b.depth,
            exact: b.exact,
            mc_samples: b.mc.map(|m| m.0),
            mc_born_dead: b.mc.map(|m| m.1),
            mc_ci_low: b.mc.map(|m| m.2),
            mc_ci_high: b.mc.map(|m| m.3),
        }),
    )?;
    files.push(p);
    let p = dir.join("report.json");
    let json =
        serde_json::to_string_pretty(r).map_err(|e| Error::format("report", e.to_string()))?;
    std::fs::write(&p, json).map_err(|e| Error::io(p.display().to_string(), e))?;
    files.push(p);
    for (chart, stem) in charts(r) {
        files.extend(write_chart(&chart, dir, &stem)?);
    }
    Ok(files)
}

/// The charts: success and T (and U) against width, one color per depth;
/// born dead against depth, one color per width; dead fraction per layer.
pub fn charts(r: &Report) -> Vec<(Chart, String)> {
    let mut out = Vec::new();
    let tasks: BTreeSet<&str> = r.sweep.iter().map(|c| c.task).collect();
    let inits: BTreeSet<&str> = r.sweep.iter().map(|c| c.init).collect();
    for task in &tasks {
        for init in &inits {
            let cells: Vec<&CellResult> = r
                .sweep
                .iter()
                .filter(|c| c.task == *task && c.init == *init)
                .collect();
            let depths: BTreeSet<usize> = cells.iter().map(|c| c.depth).collect();
            let wmax = cells.iter().map(|c| c.width).max().unwrap_or(2) as f64;
            let wmin = cells.iter().map(|c| c.width).min().unwrap_or(2) as f64;
            let mut series = Vec::new();
            let nd = depths.len() as f64;
            for (i, &d) in depths.iter().enumerate() {
                // Offset the dots of different depths so their intervals do not overlap.
                let dx = 0.06 * (i as f64 - (nd - 1.0) / 2.0);
                let mut cs: Vec<&&CellResult> = cells.iter().filter(|c| c.depth == d).collect();
                cs.sort_by_key(|c| c.width);
                let t: Vec<(f64, f64)> = cs
                    .iter()
                    .filter_map(|c| Some((c.width as f64, c.trainability?)))
                    .collect();
                let u: Vec<(f64, f64)> = cs
                    .iter()
                    .filter_map(|c| Some((c.width as f64, c.bound_u?)))
                    .collect();
                let differs = t.iter().zip(&u).any(|(a, b)| (a.1 - b.1).abs() > 1e-12);
                series.push(Series {
                    label: format!("T(n*), depth {d}"),
                    color: i,
                    kind: SeriesKind::Line,
                    points: t,
                    errors: vec![],
                });
                if differs {
                    series.push(Series {
                        label: format!("U (dashed), depth {d}"),
                        color: i,
                        kind: SeriesKind::Dashed,
                        points: u,
                        errors: vec![],
                    });
                }
                series.push(Series {
                    label: String::new(),
                    color: i,
                    kind: SeriesKind::Points,
                    points: cs
                        .iter()
                        .map(|c| (c.width as f64 + dx, c.success_rate))
                        .collect(),
                    errors: cs
                        .iter()
                        .map(|c| (c.width as f64 + dx, c.ci_low, c.ci_high))
                        .collect(),
                });
            }
            let chart = Chart {
                title: format!("{task}, {init}: success (dots, 95% CI) vs trainability"),
                x_label: "hidden width N".into(),
                y_label: "probability".into(),
                x_range: (wmin - 0.3, wmax + 0.3),
                y_range: (0.0, 1.02),
                series,
                legend: SeriesLabelPosition::LowerRight,
                integer_x: true,
            };
            out.push((
                chart,
                format!("success_vs_width_{}_{}", task, init.replace('/', "_")),
            ));
        }
    }
    for bias in ["zero", "symmetric"] {
        let pts: Vec<&BornDeadPoint> = r.born_dead.iter().filter(|b| b.bias == bias).collect();
        if pts.is_empty() {
            continue;
        }
        let widths: BTreeSet<usize> = pts.iter().map(|b| b.width).collect();
        let dmax = pts.iter().map(|b| b.depth).max().unwrap_or(1) as f64;
        let mut series = Vec::new();
        for (i, &w) in widths.iter().enumerate() {
            let ps: Vec<&&BornDeadPoint> = pts.iter().filter(|b| b.width == w).collect();
            series.push(Series {
                label: format!("width {w} (exact)"),
                color: i,
                kind: SeriesKind::Line,
                points: ps.iter().map(|b| (b.depth as f64, b.exact)).collect(),
                errors: vec![],
            });
            let mc: Vec<_> = ps
                .iter()
                .filter_map(|b| b.mc.map(|m| (b.depth as f64, m)))
                .collect();
            series.push(Series {
                label: String::new(),
                color: i,
                kind: SeriesKind::Points,
                points: mc
                    .iter()
                    .map(|(d, m)| (*d, m.1 as f64 / m.0 as f64))
                    .collect(),
                errors: mc.iter().map(|(d, m)| (*d, m.2, m.3)).collect(),
            });
        }
        let chart = Chart {
            title: format!(
                "P(born dead), He init, {bias} biases: exact (lines), Monte Carlo (dots)"
            ),
            x_label: "hidden layers D".into(),
            y_label: "P(born dead)".into(),
            x_range: (0.0, dmax + 1.0),
            y_range: (0.0, 1.02),
            series,
            legend: SeriesLabelPosition::UpperLeft,
            integer_x: true,
        };
        out.push((chart, format!("born_dead_vs_depth_{bias}")));
    }
    if !r.init_compare.is_empty() {
        let dmax = r.init_compare.iter().map(|c| c.depth).max().unwrap_or(1);
        let widths: BTreeSet<usize> = r.init_compare.iter().map(|c| c.width).collect();
        for &w in &widths {
            let mut series = Vec::new();
            for (i, c) in r
                .init_compare
                .iter()
                .filter(|c| c.depth == dmax && c.width == w)
                .enumerate()
            {
                series.push(Series {
                    label: format!(
                        "{} (success {}/{}, below floor {})",
                        c.init, c.successes, c.runs, c.below_floor
                    ),
                    color: i,
                    kind: SeriesKind::Line,
                    points: c
                        .dead_fraction
                        .iter()
                        .enumerate()
                        .map(|(l, &f)| ((l + 1) as f64, f))
                        .collect(),
                    errors: vec![],
                });
            }
            let chart = Chart {
                title: format!("Dead neurons at init per layer, width {w}, depth {dmax}"),
                x_label: "hidden layer".into(),
                y_label: "mean dead fraction (TD + PD)".into(),
                x_range: (0.8, dmax as f64 + 0.2),
                y_range: (0.0, 1.02),
                series,
                legend: SeriesLabelPosition::UpperLeft,
                integer_x: true,
            };
            out.push((chart, format!("dead_fraction_w{w}_d{dmax}")));
        }
    }
    out
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".into(), prob)
}

/// A probability to 4 decimals, or in scientific form below 1e-3 (a small
/// positive value never prints as 0.0000).
fn prob(v: f64) -> String {
    if v == 0.0 || v >= 1e-3 {
        format!("{v:.4}")
    } else {
        format!("{v:.2e}")
    }
}

/// The terminal summary.
pub fn summary_table(r: &Report) -> String {
    let mut s = String::new();
    let c = &r.config;
    let _ = writeln!(
        s,
        "Training: {}, at most {} steps, success = MSE < {:e}; seed {}; 95% Clopper-Pearson intervals.",
        c.train.optimizer.name(),
        c.train.max_steps,
        c.train.tol,
        c.seed
    );
    let _ = writeln!(s, "\n(1) Success rate vs exact trainability T(2,1,...,1) and provable bound U (THM-SUCCESS-U)");
    let _ = writeln!(
        s,
        "{:<9} {:<13} {:>3} {:>3}  {:>8} {:>17} {:>6}  {:>7} {:>7}  {:>7} {:>7}  {:>9}",
        "task",
        "init",
        "N",
        "D",
        "success",
        "95% CI",
        "<floor",
        "T",
        "U",
        "P(bd)",
        "obs bd",
        "med loss"
    );
    for x in &r.sweep {
        let _ = writeln!(
            s,
            "{:<9} {:<13} {:>3} {:>3}  {:>3}/{:<4} [{:.3}, {:.3}] {:>6}  {:>7} {:>7}  {:>7} {:>7.3}  {:>9.2e}",
            x.task,
            x.init,
            x.width,
            x.depth,
            x.successes,
            x.runs,
            x.ci_low,
            x.ci_high,
            x.below_floor,
            opt(x.trainability),
            opt(x.bound_u),
            opt(x.born_dead_exact),
            x.born_dead_observed,
            x.median_final_loss
        );
    }
    let above: Vec<&CellResult> = r
        .sweep
        .iter()
        .filter(|x| x.bound_u.is_some_and(|u| x.ci_low > u))
        .collect();
    let outside: usize = r.sweep.iter().map(|x| x.successes_outside_e).sum();
    let _ = writeln!(
        s,
        "cells whose success CI lies above U: {} (theory: none, up to the 5% CI error rate); runs below the floor but outside E: {outside} (theory: 0)",
        above.len()
    );
    let _ = writeln!(s, "\n(2) He vs data-dependent initialization on |x|");
    if let Some(e) = &r.init_compare_error {
        let _ = writeln!(s, "not run: {e}");
    }
    for x in &r.init_compare {
        let dead: Vec<String> = x.dead_fraction.iter().map(|f| format!("{f:.2}")).collect();
        let _ = writeln!(
            s,
            "{:<15} N={:<2} D={:<2} success {:>3}/{:<4} [{:.3}, {:.3}]  <floor {:>3}  born dead {:.3}  mean loss {:.2e}  dead/layer {}",
            x.init,
            x.width,
            x.depth,
            x.successes,
            x.runs,
            x.ci_low,
            x.ci_high,
            x.below_floor,
            x.born_dead_observed,
            x.mean_final_loss,
            dead.join(" ")
        );
    }
    let _ = writeln!(
        s,
        "\n(3) P(born dead) vs depth, He init on |x| data: exact [Monte Carlo 95% CI]"
    );
    for b in r
        .born_dead
        .iter()
        .filter(|b| b.mc.is_some() && (b.depth % 9 == 0 || b.depth == 1))
    {
        let m = b.mc.expect("filtered");
        let _ = writeln!(
            s,
            "{:<9} N={:<2} D={:<3} exact {:<9} MC {}/{} [{}, {}]",
            b.bias,
            b.width,
            b.depth,
            prob(b.exact),
            m.1,
            m.0,
            prob(m.2),
            prob(m.3)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::prob;

    #[test]
    fn small_probabilities_never_print_as_zero() {
        assert_eq!(prob(0.0), "0.0000");
        assert_eq!(prob(0.25), "0.2500");
        assert_eq!(prob(1e-3), "0.0010");
        // 2^-16 = 1.52587890625e-5: four decimals would show 0.0000
        assert_eq!(prob(2f64.powi(-16)), "1.53e-5");
    }
}

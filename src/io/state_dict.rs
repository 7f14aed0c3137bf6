//! Finding the chain of Linear layers in a PyTorch `state_dict` (spec
//! FMT-STATE-DICT): from tensor names and shapes only, so that a file, or
//! any name -> array mapping, can be read whatever the module names
//! (`fc1`/`fc2`, `net.0`/`net.2`, bare `0`/`2`, `layers.{i}`, ...).

use crate::error::{Error, Result};
use std::cmp::Ordering;

const WHAT: &str = "state_dict";

/// Largest number of Linear modules whose order is searched by shapes when
/// their names do not fix it (2^n n^2 steps).
pub const MAX_SEARCHED_MODULES: usize = 16;

/// One Linear layer of the chain: tensor names and its [out, in] shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinearKeys {
    /// Name of the weight, shape [out, in].
    pub weight: String,
    /// Name of the bias, shape [out]; `None` for `nn.Linear(..., bias=False)`
    /// (read as a zero bias).
    pub bias: Option<String>,
    /// Output features.
    pub out_features: usize,
    /// Input features.
    pub in_features: usize,
}

/// The chain found, and the tensors left out because `prefix` or `layers`
/// excluded them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// The Linear layers, input side first.
    pub layers: Vec<LinearKeys>,
    /// Tensors outside the selection (`--prefix` / `--layers`), sorted.
    pub ignored: Vec<String>,
}

/// The chain of Linear layers as (weight key, bias key) pairs, input side
/// first (spec FMT-STATE-DICT). `tensors` are (name, shape) pairs in any
/// order; `prefix` keeps only the names starting with it; `layers` names
/// the Linear modules (relative to `prefix`) in order, e.g. `fc1,fc2,fc3`.
pub fn linear_chain(
    tensors: &[(String, Vec<usize>)],
    prefix: Option<&str>,
    layers: Option<&[String]>,
) -> Result<Vec<(String, Option<String>)>> {
    Ok(find_chain(tensors, prefix, layers)?
        .layers
        .into_iter()
        .map(|l| (l.weight, l.bias))
        .collect())
}

/// As [`linear_chain`], with shapes and the ignored tensors.
pub fn find_chain(
    tensors: &[(String, Vec<usize>)],
    prefix: Option<&str>,
    layers: Option<&[String]>,
) -> Result<Chain> {
    if tensors.is_empty() {
        return Err(Error::format(WHAT, "the file holds no tensors"));
    }
    let prefix = prefix.unwrap_or("");
    let mut selected: Vec<(&str, &[usize])> = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    for (n, s) in tensors {
        match n.strip_prefix(prefix) {
            Some(_) => selected.push((n.as_str(), s.as_slice())),
            None => ignored.push(n.clone()),
        }
    }
    ignored.sort_by(|a, b| natural_cmp(a, b));
    if selected.is_empty() {
        return Err(Error::format(
            WHAT,
            format!(
                "no tensor name starts with the prefix {prefix:?}; the names are {}",
                list(tensors.iter().map(|(n, _)| n.clone()))
            ),
        ));
    }
    let shape_of = |name: &str| selected.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
    let chain = match layers {
        Some(mods) => explicit(mods, prefix, &shape_of, &selected, &mut ignored)?,
        None => discovered(&selected, prefix)?,
    };
    if chain.len() < 2 {
        return Err(Error::format(
            WHAT,
            format!(
                "found {} Linear layer(s) ({}); a network needs at least one hidden layer and an output layer",
                chain.len(),
                list(chain.iter().map(|l| l.weight.clone()))
            ),
        ));
    }
    Ok(Chain {
        layers: chain,
        ignored,
    })
}

/// `--layers fc1,fc2,fc3`: exactly these modules, in this order.
fn explicit<'a>(
    mods: &[String],
    prefix: &str,
    shape_of: &dyn Fn(&str) -> Option<&'a [usize]>,
    selected: &[(&str, &[usize])],
    ignored: &mut Vec<String>,
) -> Result<Vec<LinearKeys>> {
    let mut chain: Vec<LinearKeys> = Vec::new();
    for m in mods {
        let m = m.trim();
        let m = m.strip_suffix(".weight").unwrap_or(m);
        let w = format!("{prefix}{m}.weight");
        let b = format!("{prefix}{m}.bias");
        let ws = shape_of(&w).ok_or_else(|| {
            Error::format(
                WHAT,
                format!(
                    "--layers names {m:?} but there is no tensor {w:?}; the weights present are {}",
                    list(
                        selected
                            .iter()
                            .filter(|(n, _)| n.ends_with("weight"))
                            .map(|(n, _)| n.to_string())
                    )
                ),
            )
        })?;
        let keys = linear(&w, ws, shape_of(&b).map(|bs| (b.clone(), bs)))?;
        if chain.iter().any(|l| l.weight == keys.weight) {
            return Err(Error::format(WHAT, format!("--layers names {m:?} twice")));
        }
        chain.push(keys);
    }
    check_links(&chain, "in the order given by --layers")?;
    let used: Vec<&str> = chain
        .iter()
        .flat_map(|l| std::iter::once(l.weight.as_str()).chain(l.bias.as_deref()))
        .collect();
    ignored.extend(
        selected
            .iter()
            .filter(|(n, _)| !used.contains(n))
            .map(|(n, _)| n.to_string()),
    );
    ignored.sort_by(|a, b| natural_cmp(a, b));
    Ok(chain)
}

/// Checks a Linear module's tensors: weight [out, in], bias [out].
fn linear(w: &str, ws: &[usize], bias: Option<(String, &[usize])>) -> Result<LinearKeys> {
    if ws.len() != 2 {
        return Err(Error::format(
            WHAT,
            format!("{w} has shape {ws:?}; a Linear weight has shape [out, in]"),
        ));
    }
    if let Some((b, bs)) = &bias {
        if bs.len() != 1 || bs[0] != ws[0] {
            return Err(Error::format(
                WHAT,
                format!(
                    "{b} has shape {bs:?}; expected [{}] to match {w} {ws:?}",
                    ws[0]
                ),
            ));
        }
    }
    Ok(LinearKeys {
        weight: w.to_string(),
        bias: bias.map(|(b, _)| b),
        out_features: ws[0],
        in_features: ws[1],
    })
}

fn check_links(chain: &[LinearKeys], how: &str) -> Result<()> {
    for p in chain.windows(2) {
        if p[1].in_features != p[0].out_features {
            return Err(Error::format(
                WHAT,
                format!(
                    "{how}, {} has shape [{}, {}] (takes {} inputs) but the previous layer {} has {} outputs",
                    p[1].weight,
                    p[1].out_features,
                    p[1].in_features,
                    p[1].in_features,
                    p[0].weight,
                    p[0].out_features
                ),
            ));
        }
    }
    Ok(())
}

/// Groups tensors into Linear modules (refusing anything else) and orders
/// them: names that differ only in their numbers are ordered by those
/// numbers; the rest is decided by shapes, and must be decided uniquely.
fn discovered(selected: &[(&str, &[usize])], prefix: &str) -> Result<Vec<LinearKeys>> {
    // module -> (weight, bias)
    type Slot<'a> = Option<(&'a str, &'a [usize])>;
    let mut modules: Vec<(String, Slot, Slot)> = Vec::new();
    let mut foreign: Vec<String> = Vec::new();
    for &(n, s) in selected {
        let (module, param) = match n.rsplit_once('.') {
            Some((m, p)) => (m, p),
            None => ("", n),
        };
        let slot = match modules.iter().position(|(m, _, _)| m == module) {
            Some(i) => i,
            None => {
                modules.push((module.to_string(), None, None));
                modules.len() - 1
            }
        };
        match param {
            "weight" => modules[slot].1 = Some((n, s)),
            "bias" => modules[slot].2 = Some((n, s)),
            _ => foreign.push(format!(
                "{n} {s:?} (not a weight or bias: a buffer such as a norm layer's running statistics)"
            )),
        }
    }
    let mut linears: Vec<(String, LinearKeys)> = Vec::new();
    for (m, w, b) in &modules {
        match (w, b) {
            (Some((wn, ws)), b) if ws.len() == 2 => {
                let k = linear(wn, ws, b.map(|(bn, bs)| (bn.to_string(), bs)))?;
                linears.push((m.clone(), k));
            }
            (Some((wn, ws)), _) => {
                let why = match ws.len() {
                    0 => "a scalar".to_string(),
                    1 => {
                        "a 1-D weight: a norm layer (LayerNorm, BatchNorm), not Linear".to_string()
                    }
                    k => format!("a {k}-D weight: a convolution or embedding, not Linear"),
                };
                foreign.push(format!("{wn} {ws:?} ({why})"));
                if let Some((bn, bs)) = b {
                    foreign.push(format!("{bn} {bs:?} (bias of {wn})"));
                }
            }
            (None, Some((bn, bs))) => {
                foreign.push(format!("{bn} {bs:?} (a bias without a weight)"));
            }
            (None, None) => {}
        }
    }
    if !foreign.is_empty() {
        foreign.sort_by(|a, b| natural_cmp(a, b));
        return Err(Error::format(
            WHAT,
            format!(
                "these tensors are not part of a chain of Linear layers: {}. Only networks of Linear \
                 and ReLU layers are read (the theory is about them); if the Linear layers you mean \
                 form such a network on their own, select them with --prefix or --layers",
                foreign.join("; ")
            ),
        ));
    }
    linears.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    let names: Vec<&str> = linears.iter().map(|(m, _)| m.as_str()).collect();
    let keys: Vec<LinearKeys> = linears.iter().map(|(_, k)| k.clone()).collect();
    let n = keys.len();
    // before[i][j]: names fix i before j
    let before: Vec<Vec<bool>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| numbered_before(names[i], names[j]))
                .collect()
        })
        .collect();
    let total = (0..n).all(|i| (0..n).all(|j| i == j || before[i][j] || before[j][i]));
    if total {
        // One naming pattern (fc{i}, net.{i}, layers.{i}, {i}): the numbers
        // give the order, shapes must chain in it.
        check_links(&keys, "in the order of the layer numbers")?;
        return Ok(keys);
    }
    if n > MAX_SEARCHED_MODULES {
        return Err(Error::format(
            WHAT,
            format!(
                "{n} Linear modules whose names do not fix their order ({}); give the order with --layers (or --prefix to select one numbered group)",
                list(names.iter().map(|m| m.to_string()))
            ),
        ));
    }
    order_by_shapes(&keys, &names, &before, prefix)
}

/// Every order of all modules in which shapes chain and numbered names keep
/// their order: exactly one is accepted.
fn order_by_shapes(
    keys: &[LinearKeys],
    names: &[&str],
    before: &[Vec<bool>],
    prefix: &str,
) -> Result<Vec<LinearKeys>> {
    let n = keys.len();
    let full = (1usize << n) - 1;
    // ways[mask * n + last]: number of valid orders of `mask` ending at
    // `last`, capped at 2.
    let mut ways = vec![0u8; (full + 1) * n];
    for j in 0..n {
        if (0..n).all(|i| !before[i][j]) {
            ways[(1 << j) * n + j] = 1;
        }
    }
    let mut best = 0usize; // a largest mask with a valid order
    for mask in 1..=full {
        for last in 0..n {
            let w = ways[mask * n + last];
            if w == 0 {
                continue;
            }
            if mask.count_ones() > best.count_ones() {
                best = mask;
            }
            for j in 0..n {
                if mask & (1 << j) != 0 || keys[j].in_features != keys[last].out_features {
                    continue;
                }
                if (0..n).any(|i| before[i][j] && mask & (1 << i) == 0) {
                    continue;
                }
                let c = &mut ways[(mask | 1 << j) * n + j];
                *c = (*c + w).min(2);
            }
        }
    }
    let count: u32 = (0..n).map(|l| ways[full * n + l] as u32).sum();
    let shapes = |mask: usize| {
        list(
            (0..n)
                .filter(|&i| mask & (1 << i) != 0)
                .map(|i| format!("{}{} {:?}", prefix, names[i], shape(&keys[i]))),
        )
    };
    if count == 0 {
        let left = full & !best;
        return Err(Error::format(
            WHAT,
            format!(
                "the Linear layers do not form one chain (out features of each = in features of the next); \
                 a longest chain uses {}, and these could not be placed: {}. Select the layers of the \
                 ReLU network with --prefix or --layers",
                order_of(best, keys, before, names, prefix).unwrap_or_else(|| shapes(best)),
                shapes(left)
            ),
        ));
    }
    let orders = all_orders(keys, before, 2);
    if count > 1 || orders.len() != 1 {
        // No order is suggested: any one of the valid orders may be the
        // wrong one, and a wrong order gives a wrong census (issue found
        // by review: `inp, hidden.0, hidden.1, out`, all 16 x 16).
        return Err(Error::format(
            WHAT,
            format!(
                "the order of the Linear layers is ambiguous: a state_dict does not record the order of the \
                 forward pass, their names do not fix it and their shapes chain in more than one order. The \
                 Linear layers are: {}. Give the order in which your model's forward applies them with \
                 --layers NAME,NAME,... (the Python API: layers=[...]), or select one part with --prefix",
                shapes(full)
            ),
        ));
    }
    Ok(orders[0].iter().map(|&i| keys[i].clone()).collect())
}

/// Up to `limit` complete valid orders (depth-first, small n only).
fn all_orders(keys: &[LinearKeys], before: &[Vec<bool>], limit: usize) -> Vec<Vec<usize>> {
    fn go(
        keys: &[LinearKeys],
        before: &[Vec<bool>],
        path: &mut Vec<usize>,
        used: usize,
        out: &mut Vec<Vec<usize>>,
        limit: usize,
    ) {
        let n = keys.len();
        if out.len() >= limit {
            return;
        }
        if path.len() == n {
            out.push(path.clone());
            return;
        }
        for j in 0..n {
            if used & (1 << j) != 0
                || (0..n).any(|i| before[i][j] && used & (1 << i) == 0)
                || path
                    .last()
                    .is_some_and(|&l| keys[j].in_features != keys[l].out_features)
            {
                continue;
            }
            path.push(j);
            go(keys, before, path, used | 1 << j, out, limit);
            path.pop();
        }
    }
    let mut out = Vec::new();
    go(keys, before, &mut Vec::new(), 0, &mut out, limit);
    out
}

/// A valid order of the modules of `mask` (for messages).
fn order_of(
    mask: usize,
    keys: &[LinearKeys],
    before: &[Vec<bool>],
    names: &[&str],
    prefix: &str,
) -> Option<String> {
    let idx: Vec<usize> = (0..keys.len()).filter(|&i| mask & (1 << i) != 0).collect();
    let sub: Vec<LinearKeys> = idx.iter().map(|&i| keys[i].clone()).collect();
    let sb: Vec<Vec<bool>> = idx
        .iter()
        .map(|&i| idx.iter().map(|&j| before[i][j]).collect())
        .collect();
    let o = all_orders(&sub, &sb, 1).pop()?;
    Some(
        o.iter()
            .map(|&k| format!("{prefix}{} {:?}", names[idx[k]], shape(&sub[k])))
            .collect::<Vec<_>>()
            .join(" -> "),
    )
}

fn shape(k: &LinearKeys) -> [usize; 2] {
    [k.out_features, k.in_features]
}

fn list(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.len() > 12 {
        format!("{}, ... ({} in all)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
}

/// A name split into text and digit runs.
fn tokens(s: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = s.as_bytes();
    for i in 1..=b.len() {
        if i == b.len() || b[i].is_ascii_digit() != b[start].is_ascii_digit() {
            out.push((b[start].is_ascii_digit(), &s[start..i]));
            start = i;
        }
    }
    out
}

/// Compares digit runs as numbers (any length, leading zeros ignored).
fn num_cmp(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then(a.cmp(b))
}

/// Natural order: digit runs compared as numbers (`fc2` < `fc10`).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (ta, tb) = (tokens(a), tokens(b));
    for (x, y) in ta.iter().zip(&tb) {
        let o = match (x.0, y.0) {
            (true, true) => num_cmp(x.1, y.1),
            _ => x.1.cmp(y.1),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ta.len().cmp(&tb.len()).then(a.cmp(b))
}

/// True when `a` and `b` have the same text between their numbers and
/// `a`'s numbers come first (`net.0` before `net.2`, `fc1` before `fc10`,
/// `blocks.0.fc2` before `blocks.1.fc1`).
fn numbered_before(a: &str, b: &str) -> bool {
    let (ta, tb) = (tokens(a), tokens(b));
    if ta.len() != tb.len()
        || !ta.iter().any(|t| t.0)
        || ta
            .iter()
            .zip(&tb)
            .any(|(x, y)| x.0 != y.0 || (!x.0 && x.1 != y.1))
    {
        return false;
    }
    for (x, y) in ta.iter().zip(&tb) {
        if x.0 {
            match num_cmp(x.1, y.1) {
                Ordering::Less => return true,
                Ordering::Greater => return false,
                Ordering::Equal => {}
            }
        }
    }
    false
}

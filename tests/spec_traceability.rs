//! Traceability between spec/ and the tests: every spec ID is cited by at
//! least one test (a `// spec: ID, ...` line under tests/ or in a
//! `#[cfg(test)]` module under src/), and every ID cited anywhere (tests or
//! doc comments `(spec ID)`) exists in spec/.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn is_id(t: &str) -> bool {
    let mut parts = t.split('-');
    let head = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && head.len() >= 2
        && head.chars().all(|c| c.is_ascii_uppercase())
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// IDs defined in spec/: headings `## ID: title`.
fn defined() -> BTreeMap<String, PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut md = vec![];
    files(&root.join("spec"), "md", &mut md);
    let mut ids = BTreeMap::new();
    for f in md {
        for line in fs::read_to_string(&f).unwrap().lines() {
            let t = line.trim_start_matches('#');
            if t.len() < line.len() && line.starts_with("##") {
                if let Some((id, _)) = t.trim().split_once(':') {
                    if is_id(id.trim()) {
                        let prev = ids.insert(id.trim().to_string(), f.clone());
                        assert!(prev.is_none(), "spec ID {} defined twice", id.trim());
                    }
                }
            }
        }
    }
    ids
}

/// IDs cited after `spec:` (tests) or `spec ` (docs), with where.
fn cited(dir: &str, test_only: bool) -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rs = vec![];
    files(&root.join(dir), "rs", &mut rs);
    let mut out = vec![];
    for f in rs {
        let text = fs::read_to_string(&f).unwrap();
        // in src/, only #[cfg(test)] modules count as tests
        let body = if test_only && dir == "src" {
            match text.find("#[cfg(test)]") {
                Some(i) => &text[i..],
                None => continue,
            }
        } else {
            &text[..]
        };
        for line in body.lines() {
            let marker = if test_only { "// spec:" } else { "spec" };
            let mut rest = line;
            while let Some(i) = rest.find(marker) {
                rest = &rest[i + marker.len()..];
                for tok in rest.split(|c: char| {
                    c == ',' || c.is_whitespace() || c == ')' || c == '(' || c == ';'
                }) {
                    let tok = tok.trim_matches(|c: char| c == '.' || c == ':' || c == '`');
                    if tok.is_empty() {
                        continue;
                    }
                    if !is_id(tok) {
                        break;
                    }
                    out.push((tok.to_string(), f.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn every_spec_id_is_cited_by_a_test() {
    let ids = defined();
    assert!(ids.len() >= 20, "spec/ defines only {} IDs", ids.len());
    let mut tested: BTreeSet<String> = cited("tests", true).into_iter().map(|x| x.0).collect();
    tested.extend(cited("src", true).into_iter().map(|x| x.0));
    let missing: Vec<_> = ids.iter().filter(|(id, _)| !tested.contains(*id)).collect();
    assert!(missing.is_empty(), "spec IDs cited by no test: {missing:?}");
}

#[test]
fn every_cited_id_exists() {
    let ids = defined();
    let mut unknown = vec![];
    for (id, f) in cited("tests", true).into_iter().chain(cited("src", false)) {
        if !ids.contains_key(&id) {
            unknown.push((id, f));
        }
    }
    assert!(
        unknown.is_empty(),
        "cited IDs that spec/ does not define: {unknown:?}"
    );
}

#[test]
fn id_parser_recognises_ids_only() {
    for good in ["THM-CHAIN", "DEF-PD", "THM-Q1-ZERO-1D", "BOUND-F64"] {
        assert!(is_id(good), "{good}");
    }
    for bad in ["THM", "chain", "T-X", "THM-", "Thm-Chain", "ALG-dyadic"] {
        assert!(!is_id(bad), "{bad}");
    }
}

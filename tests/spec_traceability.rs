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

/// The text of every spec/ file. Test names are looked for everywhere in
/// it (Tests sections, and statements that point to a test).
fn spec_texts() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut md = vec![];
    files(&root.join("spec"), "md", &mut md);
    md.into_iter()
        .map(|f| {
            let t = fs::read_to_string(&f).unwrap();
            (f, t)
        })
        .collect()
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Test names a Tests section gives, as (file, test): `tests/F.rs::name`
/// (or `src/F.rs::name` for a unit test), and the names that continue such
/// a list (`tests/F.rs::a, b and c (comment), d`). Also returns every file
/// path named (`tests/F.rs`, possibly with `*`).
fn named_tests(section: &str) -> (Vec<(String, String)>, Vec<String>) {
    let chars: Vec<char> = section.chars().collect();
    let mut tests = vec![];
    let mut paths = vec![];
    let mut i = 0;
    let word = |i: usize| -> (String, usize) {
        let mut j = i;
        while j < chars.len() && is_ident_char(chars[j]) {
            j += 1;
        }
        (chars[i..j].iter().collect(), j)
    };
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        let at_path = (rest.starts_with("tests/") || rest.starts_with("src/"))
            && (i == 0 || !is_ident_char(chars[i - 1]));
        if !at_path {
            i += 1;
            continue;
        }
        // the path: [A-Za-z0-9_/*.-] up to ".rs"
        let mut j = i;
        while j < chars.len() && (is_ident_char(chars[j]) || "/*.-".contains(chars[j])) {
            j += 1;
        }
        let path: String = chars[i..j].iter().collect();
        let path = path.trim_end_matches('.').to_string();
        if !path.ends_with(".rs") {
            i = j;
            continue;
        }
        paths.push(path.clone());
        i += path.len();
        if !rest[path.len()..].starts_with("::") {
            continue;
        }
        i += 2;
        // a list of names: name [ (...) ] { (, | and) name [ (...) ] }
        loop {
            let (mut name, mut k) = word(i);
            // `tests::name` for unit tests in src/
            if name == "tests" && chars.get(k..k + 2) == Some(&[':', ':'][..]) {
                (name, k) = word(k + 2);
            }
            if name.is_empty() {
                break;
            }
            tests.push((path.clone(), name));
            i = k;
            let skip_ws = |mut i: usize| {
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                i
            };
            i = skip_ws(i);
            if chars.get(i) == Some(&'(') {
                let mut depth = 0;
                while i < chars.len() {
                    match chars[i] {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
                i = skip_ws(i);
            }
            let rest: String = chars[i..].iter().collect();
            let next = if rest.starts_with(',') {
                skip_ws(i + 1)
            } else if rest.starts_with("and ") {
                skip_ws(i + 3)
            } else {
                break;
            };
            let after: String = chars[next..].iter().collect();
            if after.starts_with("tests/") || after.starts_with("src/") {
                i = next;
                break;
            }
            // a continuation is a snake_case test name (has an underscore)
            let (w, _) = word(next);
            if !(w.contains('_') && w.chars().all(|c| !c.is_ascii_uppercase())) {
                break;
            }
            i = next;
        }
    }
    (tests, paths)
}

/// A test function of a source file: name, `#[ignore]`d, and whether a
/// `// spec:` line sits in its attribute block.
struct TestFn {
    name: String,
    ignored: bool,
    cites: bool,
}

/// Test functions of one file (`#[test]` attribute, also inside proptest!),
/// and whether the file has a file-level `// spec:` line (one not attached
/// to a test function).
fn test_fns(text: &str) -> (Vec<TestFn>, bool) {
    let mut out = vec![];
    let (mut is_test, mut ignored, mut cites) = (false, false, false);
    let mut file_level = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("// spec:") {
            cites = true;
        } else if t.starts_with("#[") {
            if t.starts_with("#[test]") || t.contains("::test]") {
                is_test = true;
            }
            if t.starts_with("#[ignore") {
                ignored = true;
            }
        } else if t.starts_with("//") || t.is_empty() && !is_test {
            // comments and doc comments belong to the block; a blank line
            // before any attribute ends a file-level citation
            if t.is_empty() && cites {
                file_level = true;
                cites = false;
            }
        } else {
            let sig = t
                .trim_start_matches("pub ")
                .trim_start_matches("async ")
                .strip_prefix("fn ");
            match sig {
                Some(s) if is_test => {
                    let name: String = s.chars().take_while(|&c| is_ident_char(c)).collect();
                    out.push(TestFn {
                        name,
                        ignored,
                        cites,
                    });
                }
                _ => {
                    if cites {
                        file_level = true;
                    }
                }
            }
            is_test = false;
            ignored = false;
            cites = false;
        }
    }
    (out, file_level)
}

/// Every `file::test` named in spec/ (mostly in Tests sections) exists as a
/// test function of that file (a `#[test]` fn, or a test inside
/// `proptest!`), and every test file spec/ names (globs: some file) exists.
#[test]
fn every_test_named_in_spec_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = vec![];
    let mut count = 0;
    for (spec, section) in spec_texts() {
        let (tests, paths) = named_tests(&section);
        for p in paths {
            let exists = if let Some((pre, post)) = p.split_once('*') {
                let (dir, pre) = pre.rsplit_once('/').unwrap();
                fs::read_dir(root.join(dir)).unwrap().any(|e| {
                    let n = e.unwrap().file_name().into_string().unwrap();
                    n.starts_with(pre) && n.ends_with(post)
                })
            } else {
                root.join(&p).is_file()
            };
            if !exists {
                missing.push(format!("{}: no file {p}", spec.display()));
            }
        }
        for (file, name) in tests {
            count += 1;
            // only test code has #[test] fns (also src/ test modules kept
            // in their own file)
            let text = fs::read_to_string(root.join(&file)).unwrap_or_default();
            if !test_fns(&text).0.iter().any(|t| t.name == name) {
                missing.push(format!("{}: {file}::{name}", spec.display()));
            }
        }
    }
    assert!(count >= 40, "only {count} test names found in spec/");
    assert!(
        missing.is_empty(),
        "named in spec/ but not a test: {missing:#?}"
    );
}

/// Every test that cites a spec ID (its own `// spec:` line, or the file's)
/// runs: none is `#[ignore]`d.
#[test]
fn no_test_citing_a_spec_id_is_ignored() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rs = vec![];
    files(&root.join("tests"), "rs", &mut rs);
    files(&root.join("src"), "rs", &mut rs);
    let mut ignored = vec![];
    for f in rs {
        let text = fs::read_to_string(&f).unwrap();
        let body = if f.starts_with(root.join("src")) {
            // a `// spec:` line in library code is not a citation by tests
            text.find("#[cfg(test)]").map_or(&text[..], |i| &text[i..])
        } else {
            &text[..]
        };
        let (fns, file_level) = test_fns(body);
        for t in fns {
            if t.ignored && (t.cites || file_level) {
                ignored.push(format!("{}::{}", f.display(), t.name));
            }
        }
    }
    assert!(
        ignored.is_empty(),
        "ignored tests that cite spec IDs: {ignored:?}"
    );
}

#[test]
fn spec_test_name_parser() {
    let s = "**Tests.** tests/a.rs::one_x, two_x (note, with_comma),\nthree_x and four_x; \
             tests/b_*.rs (all); tests/c.rs::five_x, tests/d.rs::six_x. Then prose_words, \
             src/e.rs::tests::seven_x.";
    let (t, p) = named_tests(s);
    let got: Vec<String> = t.iter().map(|(f, n)| format!("{f}::{n}")).collect();
    assert_eq!(
        got,
        [
            "tests/a.rs::one_x",
            "tests/a.rs::two_x",
            "tests/a.rs::three_x",
            "tests/a.rs::four_x",
            "tests/c.rs::five_x",
            "tests/d.rs::six_x",
            "src/e.rs::seven_x"
        ]
    );
    assert_eq!(
        p,
        [
            "tests/a.rs",
            "tests/b_*.rs",
            "tests/c.rs",
            "tests/d.rs",
            "src/e.rs"
        ]
    );
    let code = "// spec: X-A\n\nfn helper() {}\n\n// spec: X-B\n#[test]\n#[ignore]\nfn t1() {}\n\
                #[test]\nfn t2() {}\nproptest! {\n    #[test]\n    fn t3(x in 0..1) {}\n}\n";
    let (fns, file_level) = test_fns(code);
    assert!(file_level);
    let v: Vec<(&str, bool, bool)> = fns
        .iter()
        .map(|t| (t.name.as_str(), t.ignored, t.cites))
        .collect();
    assert_eq!(
        v,
        [
            ("t1", true, true),
            ("t2", false, false),
            ("t3", false, false)
        ]
    );
}

/// `Machine-checked: formal/FILE.v, lemma NAME[; formal/FILE.v, lemma NAME]`
/// lines of spec/ name existing Coq files that state `Lemma NAME`,
/// `Theorem NAME` or `Corollary NAME`; `Formal definition: formal/FILE.v,
/// definition NAME[; ...]` lines name a `Definition`, `Fixpoint` or `Record`.
#[test]
fn every_machine_checked_lemma_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kinds: [(&str, &str, &[&str]); 2] = [
        (
            "Machine-checked:",
            ", lemma ",
            &["Lemma", "Theorem", "Corollary"],
        ),
        (
            "Formal definition:",
            ", definition ",
            &["Definition", "Fixpoint", "Record"],
        ),
    ];
    let mut n = 0;
    let mut bad = vec![];
    for (f, text) in spec_texts() {
        for line in text.lines() {
            for (marker, sep, keywords) in kinds {
                let Some(i) = line.find(marker) else {
                    continue;
                };
                let rest = line[i + marker.len()..].trim().trim_end_matches('.');
                for item in rest.split(';') {
                    let item = item.trim();
                    let parsed = item.split_once(sep).and_then(|(file, name)| {
                        let ok = file.starts_with("formal/")
                            && file.ends_with(".v")
                            && !name.is_empty()
                            && name
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\'');
                        ok.then_some((file, name))
                    });
                    let Some((file, name)) = parsed else {
                        bad.push(format!("{}: malformed {item:?}", f.display()));
                        continue;
                    };
                    let Ok(coq) = fs::read_to_string(root.join(file)) else {
                        bad.push(format!("{}: no file {file}", f.display()));
                        continue;
                    };
                    let found = keywords.iter().any(|kw| {
                        coq.lines().any(|l| {
                            l.trim_start()
                                .strip_prefix(kw)
                                .and_then(|r| r.strip_prefix(' '))
                                .and_then(|r| r.strip_prefix(name))
                                .is_some_and(|r| r.is_empty() || r.starts_with([' ', ':', '(']))
                        })
                    });
                    if found {
                        n += usize::from(marker == "Machine-checked:");
                    } else {
                        bad.push(format!("{}: {file} has no {sep:?} {name}", f.display()));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(n >= 8, "only {n} machine-checked lemmas cited in spec/");
}

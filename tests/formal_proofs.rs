//! The machine-checked proofs of formal/ (Coq): runs formal/check.sh, which
//! compiles every file, rejects Admitted/admit/Axiom, and checks that
//! `Print Assumptions` of every main theorem reports nothing beyond
//! formal/allowed-axioms.txt. Skipped (and passing) when `coqc` is not on
//! PATH, unless RELU_TRAINABILITY_REQUIRE_COQ=1.
// spec: DEF-NETWORK, DEF-DEAD, DEF-ACTIVE, DEF-PD, DEF-TD, DEF-BORN-DEAD, DEF-TRAINABLE, DEF-TRAINABILITY, THM-PD-IMPLIES-DEAD, THM-PD-SOUND, THM-ACTIVE-BOUND, THM-Q1-ZERO-1D, THM-CHAIN, THM-CHAIN-GENERAL, THM-SUCCESS-BOUND, THM-BORN-DEAD-LAST, THM-MONOTONE, THM-DEPTH-DEATH, THM-WIDTH-SUFFICIENT, THM-MINIMAL-WIDTH, FMT-VECTORS

use std::path::Path;
use std::process::Command;

fn coqc_on_path() -> bool {
    Command::new("coqc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn formal_proofs_check() {
    if !coqc_on_path() {
        assert!(
            std::env::var("RELU_TRAINABILITY_REQUIRE_COQ").as_deref() != Ok("1"),
            "coqc not found and RELU_TRAINABILITY_REQUIRE_COQ=1"
        );
        println!("skipped: coqc not found");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("formal/check.sh");
    let out = Command::new("bash").arg(&script).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "formal/check.sh failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("check.sh: OK"), "{stdout}");
    println!("{}", stdout.lines().last().unwrap_or(""));
}

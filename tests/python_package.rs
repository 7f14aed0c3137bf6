//! The Python package (spec FMT-PYTHON, ALG-PY-SAMPLES): python/run-tests.sh
//! builds the abi3 wheel with maturin in a virtual environment under the
//! target directory (installing the pinned maturin, pytest and NumPy from
//! PyPI the first time), installs it and runs the pytest suite of
//! python/tests, which compares the package with this crate's CLI binary.
//! Its output (build steps, pytest's summary) goes straight to the
//! terminal.

use std::path::PathBuf;
use std::process::Command;

// spec: FMT-PYTHON, ALG-PY-SAMPLES
#[test]
fn python_package_builds_and_passes_its_pytest_suite() {
    if std::env::var_os("RELU_TRAINABILITY_SKIP_PYTHON").is_some() {
        eprintln!("RELU_TRAINABILITY_SKIP_PYTHON is set: the Python package is NOT tested");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // CARGO_TARGET_TMPDIR is TARGET/tmp
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target directory")
        .to_path_buf();
    let status = Command::new("bash")
        .arg(root.join("python/run-tests.sh"))
        .env("RELU_TRAINABILITY_CLI", env!("CARGO_BIN_EXE_trainability"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .unwrap_or_else(|e| panic!("could not run `bash python/run-tests.sh`: {e}"));
    assert!(
        status.success(),
        "python/run-tests.sh failed ({status}); its output is above. It needs Python >= 3.9 \
         (with venv) and PyPI for the first run; RELU_TRAINABILITY_SKIP_PYTHON=1 skips this test"
    );
}

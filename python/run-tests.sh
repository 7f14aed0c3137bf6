#!/usr/bin/env bash
# Builds the Python package and runs its tests: a virtual environment under
# the cargo target directory (TARGET/python/venv, with the pinned tools of
# python/requirements-dev.txt and the pinned torch of
# python/requirements-torch.txt installed from PyPI when missing or changed),
# the abi3 wheel built by maturin (into TARGET/python/wheels, compiled in
# TARGET itself, so the crates `cargo test --release` built are reused),
# installed into the venv, then pytest on python/tests.
#
# `cargo test --release` runs this script (tests/python_package.rs), which
# passes the CLI binary it built in RELU_TRAINABILITY_CLI; run by hand, the
# script builds the CLI itself. Environment:
#   PYTHON                  interpreter that creates the venv (default python3, >= 3.9)
#   RELU_TRAINABILITY_CLI   the `trainability` binary the tests compare with
#   CARGO_TARGET_DIR        target directory (default: <repo>/target)
#   PYTEST_ADDOPTS          extra pytest options (e.g. "-k census -x")
#   RELU_TRAINABILITY_NO_TORCH=1  do not install torch (python/requirements-torch.txt);
#                           the tests of torch modules are skipped
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
out="$target/python"
venv="$out/venv"
py="${PYTHON:-python3}"

fail() {
    echo "error: $*" >&2
    exit 2
}

command -v "$py" >/dev/null 2>&1 ||
    fail "Python 3.9 or newer is needed for the Python package tests, and '$py' was not found; install python3 (or set PYTHON=/path/to/python3)"
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
    fail "the Python package needs Python >= 3.9; '$py' is $("$py" -V 2>&1); set PYTHON=/path/to/python3.x"

if [ ! -x "$venv/bin/python" ]; then
    echo "python: creating the virtual environment $venv"
    "$py" -m venv "$venv" ||
        fail "could not create a virtual environment with '$py -m venv' (on Debian/Ubuntu: apt-get install python3-venv)"
fi

req="$root/python/requirements-dev.txt"
stamp="$venv/requirements-dev.installed"
if ! cmp -s "$req" "$stamp"; then
    echo "python: installing the pinned build and test tools ($req) from PyPI"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req" ||
        fail "could not install maturin, pytest and numpy from PyPI into $venv (is the network reachable? a proxy needs HTTPS_PROXY)"
    cp "$req" "$stamp"
fi

# torch for the tests of torch modules (large: see the file)
treq="$root/python/requirements-torch.txt"
tstamp="$venv/requirements-torch.installed"
if [ "${RELU_TRAINABILITY_NO_TORCH:-}" = 1 ]; then
    echo "python: RELU_TRAINABILITY_NO_TORCH=1: torch is not installed and the torch tests are skipped"
elif ! cmp -s "$treq" "$tstamp"; then
    echo "python: installing the pinned torch ($treq) from PyPI (about 2.8 GB, a few minutes)"
    start=$(date +%s)
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$treq" ||
        fail "could not install torch from PyPI into $venv (RELU_TRAINABILITY_NO_TORCH=1 skips the torch tests)"
    echo "python: torch installed in $(($(date +%s) - start)) s"
    cp "$treq" "$tstamp"
fi

if [ -z "${RELU_TRAINABILITY_CLI:-}" ]; then
    echo "python: building the CLI (cargo build --release)"
    cargo build --release --locked --manifest-path "$root/Cargo.toml" --bin trainability
    export RELU_TRAINABILITY_CLI="$target/release/trainability"
fi
[ -x "$RELU_TRAINABILITY_CLI" ] || fail "RELU_TRAINABILITY_CLI=$RELU_TRAINABILITY_CLI is not an executable"

echo "python: building the wheel (maturin build --release)"
rm -rf "$out/wheels"
start=$(date +%s)
CARGO_TARGET_DIR="$target" "$venv/bin/maturin" build --release --locked --quiet \
    --manifest-path "$root/python/Cargo.toml" -i "$venv/bin/python" -o "$out/wheels" ||
    fail "maturin could not build the wheel (see above)"
wheel="$(ls "$out"/wheels/*.whl)"
echo "python: built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB) in $(($(date +%s) - start)) s"
"$venv/bin/python" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "$wheel"

# pytest from outside python/, so that `import relu_trainability` is the
# installed wheel and not the source folder
cd "$out"
exec "$venv/bin/python" -m pytest -p no:cacheprovider -q "$root/python/tests"

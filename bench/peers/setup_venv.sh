#!/usr/bin/env bash
# Build the peer libraries' own virtualenv at bench/.peers-venv (separate from the project's .venv).
#
#   bash bench/peers/setup_venv.sh            # build or verify (idempotent; a no-op when up to date)
#   FORCE=1 bash bench/peers/setup_venv.sh    # rebuild from scratch
#   PYTHON=python3.11 bash bench/peers/setup_venv.sh
#
# Installs: Debian libcairo2-dev + pkg-config (only when missing; pycairo builds from source),
# the fully pinned bench/peers/requirements.txt, then truthdiscovery with --no-deps (its wheel pins
# numpy 1.24 / scipy 1.10 / PyYAML 6.0, which do not install on Python 3.11 here).
# Writes the exact installed versions to bench/.peers-venv/installed-versions.txt.
# Exits non-zero with a message on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(dirname "$HERE")"
VENV="${PEERS_VENV:-$BENCH/.peers-venv}"
REQ="$HERE/requirements.txt"
PYTHON="${PYTHON:-python3}"
# Installed without dependencies (see requirements.txt header).
NODEPS=("truthdiscovery==1.0.4")
STAMP="$VENV/.peers-installed"

die() { echo "setup_venv.sh: ERROR: $*" >&2; exit 1; }
log() { echo "setup_venv.sh: $*" >&2; }

# Fingerprint of everything that decides the venv's contents.
fingerprint() {
    { cat "$REQ"; printf '%s\n' "${NODEPS[@]}"; "$PYTHON" -c 'import sys; print(sys.version)'; } \
        | sha256sum | cut -d' ' -f1
}

smoke_test() {
    "$VENV/bin/python" - <<'PY'
import warnings
warnings.simplefilter("ignore")
import sklearn, numpy, pandas, scipy
import truthdiscovery
from truthdiscovery import Dataset, MajorityVoting, Sums, AverageLog, Investment, PooledInvestment, TruthFinder, CRH
from crowdkit.aggregation import MajorityVote, Wawa, ZeroBasedSkill, OneCoinDawidSkene, DawidSkene, GLAD
df = pandas.DataFrame({"task": ["t", "t", "t"], "worker": ["a", "b", "c"], "label": [1, 1, 2]})
for cls in (Wawa, ZeroBasedSkill):   # the two that break with scikit-learn >= 1.6
    assert cls().fit_predict(df)["t"] == 1, cls
assert Sums().run(Dataset([("a", "t", 1), ("b", "t", 1), ("c", "t", 2)])).belief["t"][1] > 0
print("peers venv ok: numpy", numpy.__version__, "pandas", pandas.__version__, "scikit-learn", sklearn.__version__)
PY
}

command -v "$PYTHON" >/dev/null 2>&1 || die "python interpreter '$PYTHON' not found (set PYTHON=...)"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 9) else 1)' \
    || die "'$PYTHON' is older than 3.9"
[ -f "$REQ" ] || die "missing $REQ"

FP="$(fingerprint)"
if [ "${FORCE:-0}" != "1" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$FP" ] && [ -x "$VENV/bin/python" ]; then
    if smoke_test >/dev/null 2>&1; then
        log "up to date: $VENV (delete it or FORCE=1 to rebuild)"
        exit 0
    fi
    log "stamp matches but the smoke test failed; rebuilding"
fi

# --- system packages: only when missing -------------------------------------------------------------
need_apt=()
dpkg -s libcairo2-dev >/dev/null 2>&1 || need_apt+=(libcairo2-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
if [ "${#need_apt[@]}" -gt 0 ]; then
    log "installing Debian packages: ${need_apt[*]}"
    command -v apt-get >/dev/null 2>&1 || die "need ${need_apt[*]} but apt-get is not available"
    SUDO=""
    if [ "$(id -u)" != "0" ]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${need_apt[*]}"
        SUDO="sudo"
    fi
    $SUDO apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" \
        || die "apt-get install ${need_apt[*]} failed"
else
    log "Debian packages present: libcairo2-dev pkg-config"
fi
pkg-config --exists cairo || die "pkg-config cannot find cairo even though libcairo2-dev is installed"

# --- the virtualenv ----------------------------------------------------------------------------------
if [ "${FORCE:-0}" = "1" ] || [ ! -x "$VENV/bin/python" ]; then
    rm -rf "$VENV"
    log "creating $VENV with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$VENV" || die "python -m venv failed"
fi
rm -f "$STAMP"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
log "installing pinned requirements (this takes ~1 minute)"
"${PIP[@]}" install -q -r "$REQ" || die "pip install -r $REQ failed"
log "installing ${NODEPS[*]} without dependencies"
"${PIP[@]}" install -q --no-deps "${NODEPS[@]}" || die "pip install --no-deps ${NODEPS[*]} failed"

# pip check, ignoring truthdiscovery's own (deliberately unmet) pins
if ! CHECK="$("${PIP[@]}" check 2>&1)"; then
    OTHER="$(printf '%s\n' "$CHECK" | grep -v '^truthdiscovery ' || true)"
    [ -z "$OTHER" ] || die "pip check found broken requirements:
$OTHER"
fi

# every pin in requirements.txt must be what is installed
"${PIP[@]}" freeze --all 2>/dev/null | grep -v -E '^(pip|setuptools|wheel)==' > "$VENV/installed-versions.txt"
"$VENV/bin/python" - "$REQ" "$VENV/installed-versions.txt" "${NODEPS[@]}" <<'PY' || die "installed versions differ from the pins (see above)"
import re, sys
def norm(n): return re.sub(r"[-_.]+", "-", n).lower()
def read(path):
    out = {}
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            n, v = line.split("==", 1)
            out[norm(n)] = v.strip()
    return out
want = read(sys.argv[1])
want.update({norm(s.split("==")[0]): s.split("==")[1] for s in sys.argv[3:]})
have = read(sys.argv[2])
bad = [f"{n}: pinned {v}, installed {have.get(n)}" for n, v in want.items() if have.get(n) != v]
extra = sorted(set(have) - set(want))
for b in bad: print("  mismatch", b, file=sys.stderr)
if extra: print("  note: installed but not pinned:", ", ".join(extra), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

smoke_test >&2 || die "smoke test failed: the peers venv is not usable"
echo "$FP" > "$STAMP"
log "ready: $VENV ($(wc -l < "$VENV/installed-versions.txt") packages, list in $VENV/installed-versions.txt)"

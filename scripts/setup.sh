#!/usr/bin/env bash
# Shared set-up for scripts/app.sh and scripts/test.sh: Python environment, source directory, store.
# Idempotent: a second run only checks what the first one installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export THMAPS_SOURCE_DIR="${THMAPS_SOURCE_DIR:-$ROOT/../shared/data}"
if [ ! -f "$THMAPS_SOURCE_DIR/README.md" ]; then
  echo "The Tower Hamlets data bundle was not found at $THMAPS_SOURCE_DIR; set THMAPS_SOURCE_DIR." >&2
  exit 1
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the pins or the package metadata changed since the last successful install.
stamp=".venv/.requirements.sha256"
want="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c "import thmaps" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  # thmaps itself, editable: `import thmaps` and the `thmaps` command work from anywhere.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"

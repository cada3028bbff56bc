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
# Reinstall only when requirements.txt changed since the last successful install.
stamp=".venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

#!/usr/bin/env bash
# Set everything up (Python packages; Debian's chromium, npm and poppler-utils for the browser and PDF tests;
# axe-core from the npm registry) and run the test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if ! command -v chromium >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core npm poppler-utils >/dev/null
fi
# axe-core for the accessibility audit of the browser tests: fetched once from the npm registry into .cache/.
python -c "from webapp.browser import axe_script; print('axe-core:', axe_script())"
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: failing the run." >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Set everything up (Python packages, Debian's chromium for the browser tests, Debian's PostgreSQL and PostGIS for
# the store-backend tests) and run the test suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
# A throwaway PostGIS cluster for the backend tests (stopped after, unless it was already running).
started_pg=""
if ! bash scripts/postgis.sh status; then
  started_pg=1
fi
eval "$(bash scripts/postgis.sh start)"
export THMAPS_DATABASE_URL_TEST="$THMAPS_DATABASE_URL" THMAPS_REQUIRE_POSTGIS=1
unset THMAPS_DATABASE_URL  # every other test uses the GeoPackage store it builds
set +e
python -m pytest "$@"
status=$?
set -e
if [ -n "$started_pg" ]; then
  bash scripts/postgis.sh stop
fi
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: failing the run." >&2
  exit 1
fi
exit "$status"

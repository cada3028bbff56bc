#!/usr/bin/env bash
# Set everything up, build the store from ../shared/data and launch the app on http://localhost:8501
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
thmaps build
exec streamlit run app.py --server.port "${PORT:-8501}" "$@"

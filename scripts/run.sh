#!/usr/bin/env bash
# The main job on the embedded default: SQLite + local folders under ./jixiao-data, the seed reports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/jixiao ingest seeds/reports "$@"
.venv/bin/jixiao reports

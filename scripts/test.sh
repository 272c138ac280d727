#!/usr/bin/env bash
# Quality gates, then the whole test suite (real SQLite, PostgreSQL, Prefect, GX, SMTP, HTTP, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export GX_ANALYTICS_ENABLED=false PREFECT_SERVER_ANALYTICS_ENABLED=false
echo "== ruff check" && .venv/bin/ruff check .
echo "== ruff format --check" && .venv/bin/ruff format --check .
echo "== mypy (strict) src/jixiao" && .venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"

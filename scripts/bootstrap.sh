#!/usr/bin/env bash
# Create .venv and install jixiao with the pinned dependency set; a no-op when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${JIXIAO_VENV:-.venv}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
stamp="$VENV/.jixiao-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ]; then
  echo "jixiao: creating virtualenv $VENV with $("$PY" --version)" >&2
  "$PY" -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "jixiao: installing pinned dependencies (constraints.txt) into $VENV ..." >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]" 2>&1 \
    | grep -v '^WARNING: Location' >&2 || true
  "$VENV/bin/python" -c "import jixiao, prefect, great_expectations" # fail loudly if the install did not work
  echo "$want" > "$stamp"
fi

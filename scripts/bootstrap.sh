#!/usr/bin/env bash
# Create .venv and install jixiao with the pinned dependency set; a no-op when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${JIXIAO_VENV:-.venv}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
stamp="$VENV/.jixiao-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
# Programs the readers start (Debian packages, about 25 MB): antiword for .doc/.wps, Tesseract with its
# Simplified Chinese model for scanned PDFs. Installed when root; otherwise those files are quarantined
# with a reason that names the package.
need=()
command -v antiword >/dev/null 2>&1 || need+=(antiword)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-chi-sim)
# The CJK TrueType font `jixiao synth` embeds in its PDFs, as Word/WPS exports embed theirs (~5 MB).
ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "jixiao: installing ${need[*]} (apt-get)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null) \
      || echo "jixiao: warning: could not install ${need[*]}; .doc/.wps or scanned PDFs will be quarantined" >&2
  else
    echo "jixiao: warning: ${need[*]} missing (apt-get install ${need[*]} as root); .doc/.wps or scanned PDFs will be quarantined" >&2
  fi
fi
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

#!/usr/bin/env bash
# Prepares the project-local Python environment the cross-language tests run against:
# .venv/ with test/python/requirements.txt installed. Created once, reused after that, and
# reinstalled only when requirements.txt changes. `npm test` and .ci/run both call this.
#
# Without python3 the Python tests are skipped with a warning (a failure under CI=true); a
# failed install is an error under CI and a warning elsewhere.
set -uo pipefail
cd "$(dirname "$0")/../.."

venv=.venv
requirements=test/python/requirements.txt
stamp="$venv/.requirements.sha256"
python="${PYTHON_FOR_VENV:-python3}"

fail() {
  echo "python env: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "python env: the Python interop tests will be skipped" >&2
  exit 0
}

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
command -v "$python" >/dev/null 2>&1 || fail "$python is not installed"
if [ ! -x "$venv/bin/python" ]; then
  echo "python env: creating $venv" >&2
  "$python" -m venv "$venv" || fail "'$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
fi
echo "python env: installing $requirements into $venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
  || fail "pip could not install $requirements"
echo "$want" > "$stamp"

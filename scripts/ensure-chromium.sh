#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's `chromium` package when
# none is found. Used by .ci/run and by the browser tests' set-up.
set -euo pipefail
find_chromium() {
  for candidate in "${CHROMIUM_PATH:-}" chromium chromium-browser; do
    [ -n "$candidate" ] || continue
    if path="$(command -v "$candidate" 2>/dev/null)"; then
      printf '%s\n' "$path"
      return 0
    fi
  done
  return 1
}
if find_chromium; then exit 0; fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "chromium not found; installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update >&2
$sudo apt-get install -y --no-install-recommends chromium >&2
find_chromium

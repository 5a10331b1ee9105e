#!/usr/bin/env bash
# Fetches the Apache Kafka broker jars named in pom.xml from Maven Central (through ~/.m2, which
# caches between runs) into ~/.cache/registrum-kafka/<version>/libs, once, and prints that folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
dir="${REGISTRUM_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/registrum-kafka}/$version"
mkdir -p "$dir"
# Test files start brokers in parallel: the first one fetches, the others wait for it.
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$dir/.complete" ]; then
  command -v mvn >/dev/null || { echo "fetch-jars.sh: Maven (mvn) is needed to fetch the Kafka jars" >&2; exit 2; }
  rm -rf "$dir/libs.tmp"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$dir/libs.tmp" -DincludeScope=runtime >&2
  rm -rf "$dir/libs"
  mv "$dir/libs.tmp" "$dir/libs"
  touch "$dir/.complete"
fi
echo "$dir/libs"

#!/usr/bin/env bash
# Issue 4's simulator experiments: LAN formation (1,000 nodes) and known-host diversity.
#   scripts/discovery-experiments.sh            defaults (3 seeds)
#   scripts/discovery-experiments.sh --help     all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (delete it to force a rebuild).
set -euo pipefail
source "$(dirname "$0")/find-java.sh"
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/butter-bench/target/butter-bench.jar"
if [ ! -f "$jar" ]; then
  echo "building $jar ..." >&2
  (cd "$root" && ./mvnw -q -B -ntp package -DskipTests -pl butter-bench -am)
fi
exec java -cp "$jar" network.butter.bench.DiscoveryExperiments "$@"

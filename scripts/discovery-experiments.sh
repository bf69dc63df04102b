#!/usr/bin/env bash
# Issue 4's simulator experiments: LAN formation (1,000 nodes) and known-host diversity.
#   scripts/discovery-experiments.sh            defaults (3 seeds)
#   scripts/discovery-experiments.sh --help     all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
java --enable-native-access=ALL-UNNAMED -cp "$jar" network.butter.bench.DiscoveryExperiments "$@"

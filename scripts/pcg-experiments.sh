#!/usr/bin/env bash
# Issue 5's storage experiments: retention vs churn, heartbeat interval vs messages, harsher churn.
#   scripts/pcg-experiments.sh                 the simulated tables over 5 seeds
#   scripts/pcg-experiments.sh --real          plus the 250-node 1/50 run on real loopback nodes
#   scripts/pcg-experiments.sh --help          all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
java --enable-native-access=ALL-UNNAMED -cp "$jar" network.butter.bench.PcgExperiments "$@"

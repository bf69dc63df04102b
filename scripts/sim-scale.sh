#!/usr/bin/env bash
# Measures how fast the simulator runs the real node runtime at several network sizes.
#   scripts/sim-scale.sh                                   1,000 and 10,000 nodes, 60 virtual s each
#   scripts/sim-scale.sh --nodes 100000 --virtual-seconds 10
#   scripts/sim-scale.sh --help                            all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
# shellcheck disable=SC2086 # SIM_JAVA_OPTS is a list of options, split on purpose
java ${SIM_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$jar" network.butter.bench.SimulatorScaleBench "$@"

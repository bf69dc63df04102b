#!/usr/bin/env bash
# Issue 6's retrieval experiments: BFS, random BFS and informed search compared per query.
#   scripts/retrieval-experiments.sh                          100 simulated nodes, 10 items, 5 seeds
#   scripts/retrieval-experiments.sh --modes real --seeds 1   the same on real loopback nodes
#   scripts/retrieval-experiments.sh --nodes 10000 --items 1000 --window 20 --bfs-ttl 2 --seeds 1
#   scripts/retrieval-experiments.sh --help                   all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
java -Xmx12g --enable-native-access=ALL-UNNAMED -cp "$jar" network.butter.bench.RetrievalExperiments "$@"

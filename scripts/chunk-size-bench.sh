#!/usr/bin/env bash
# Issue 5's chunk-size measurement: Peer Content Group put/get throughput, requests and heartbeat upkeep per chunk
# size (4 KiB to 1 MiB), each size on a fresh cluster of real nodes on 127.0.0.1.
#   scripts/chunk-size-bench.sh                         3 rounds of 8 MiB puts and gets, 10 s upkeep window
#   scripts/chunk-size-bench.sh --rounds 5              more rounds for steadier medians
#   scripts/chunk-size-bench.sh --help                  all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
# Extra JVM options can be given in BENCH_JAVA_OPTS, e.g. BENCH_JAVA_OPTS="-Xmx2g".
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options, split on purpose
java ${BENCH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$jar" network.butter.bench.ChunkSizeBench "$@"

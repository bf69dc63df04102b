#!/usr/bin/env bash
# Issue 12's slow-disk demonstration: echo latency of nodes sharing one event loop with slow disks (200 ms per write),
# chunk-store writes on the loop (as before) vs off it (DiskQueue), in one run; prints a SUMMARY line.
#   scripts/slow-disk-bench.sh                    4 nodes on one loop, 5 s idle + 20 s loaded per mode
#   scripts/slow-disk-bench.sh --help             all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
# Extra JVM options can be given in BENCH_JAVA_OPTS, e.g. BENCH_JAVA_OPTS="-Xmx1g".
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options, split on purpose
java ${BENCH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$jar" network.butter.bench.SlowDiskBench "$@"

#!/usr/bin/env bash
# Runs the request/response benchmark: Butter vs a raw Netty echo baseline on loopback over TLS 1.3.
#   scripts/bench.sh              full run (3 s warm-up + 10 s measure per run, 2 rounds, c=1 and c=64), every CPU
#                                 kept busy by a background loop at nice 19 for the whole run (--busy-cpus 0: none)
#   scripts/bench.sh --quick      smoke run (1 s + 1 s per run)
#   scripts/bench.sh --help       all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
# Extra JVM options can be given in BENCH_JAVA_OPTS, e.g. BENCH_JAVA_OPTS="-Xmx1g".
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options, split on purpose
java ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"

#!/usr/bin/env bash
# Runs the request/response benchmark: Butter vs a raw Netty echo baseline on loopback over TLS 1.3.
#   scripts/bench.sh              full run (c=1 and c=64: 3 s warm-up of each system, then 20 pairs of 1 s trials,
#                                 Netty and Butter back to back, order alternating; median and spread of the per-pair
#                                 ratios), every CPU kept busy by a background loop at SCHED_IDLE + nice 19 for the
#                                 whole run (--busy-cpus 0: none); about 2 minutes
#   scripts/bench.sh --baseline-twice   A/A run: Netty against a second Netty, the method's noise floor
#   scripts/bench.sh --quick      smoke run (0.5 s warm-up, 3 pairs of 0.3 s trials)
#   scripts/bench.sh --help       all options
# Builds butter-bench/target/butter-bench.jar first if it is missing (see bench-jar.sh).
# Extra JVM options can be given in BENCH_JAVA_OPTS, e.g. BENCH_JAVA_OPTS="-Xmx1g".
set -euo pipefail
source "$(dirname "$0")/bench-jar.sh"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options, split on purpose
java ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"

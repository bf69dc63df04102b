#!/usr/bin/env bash
# Sourced by the benchmark and experiment scripts: finds a JDK >= 21 and sets $jar to a private copy of the benchmark jar,
# building butter-bench/target/butter-bench.jar first if it is missing (delete it to force a rebuild).
source "$(dirname "${BASH_SOURCE[0]}")/find-java.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/butter-bench/target/butter-bench.jar"
if [ ! -f "$jar" ]; then
  echo "building $jar ..." >&2
  (cd "$root" && ./mvnw -q -B -ntp package -DskipTests -pl butter-bench -am)
fi
# Run from a private copy, so that rebuilding the jar during a long run cannot pull classes from under it.
run_copy=$(mktemp --suffix=.jar)
trap 'rm -f "$run_copy"' EXIT
cp "$jar" "$run_copy"
jar="$run_copy"

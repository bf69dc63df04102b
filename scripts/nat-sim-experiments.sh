#!/usr/bin/env bash
# The seed's retention experiment with nodes behind NATs, in the simulator: 250 nodes, 100 items, 30 s of churn at
# 1/50 per second, FRACTION of the nodes behind home routers (SYMMETRIC of those routers symmetric, a quarter with
# port mapping, two nodes per home LAN). Runs each seed once, one after another, and prints each SUMMARY line, then
# one total line: items retrieved over all seeds and the mean shares of direct, punched and relayed connections.
#   scripts/nat-sim-experiments.sh [FRACTION=0.7] [SYMMETRIC=0.5] [SEEDS="1 2 3 4 5"]
set -euo pipefail
cd "$(dirname "$0")/.."
fraction="${1:-0.7}"; symmetric="${2:-0.5}"; seeds="${3:-1 2 3 4 5}"
./butter --version >/dev/null   # builds butter-cli/target/butter.jar if it is missing or stale
source scripts/find-java.sh
out=$(mktemp -d /tmp/butter-nat-sim.XXXXXX)
trap 'rm -rf "$out"' EXIT
cp butter-cli/target/butter.jar "$out/butter.jar"   # a private copy: a rebuild during the run cannot change it
got=0; total=0; direct=0; punched=0; relayed=0; runs=0
for seed in $seeds; do
  line=$("$JAVA_HOME/bin/java" -jar "$out/butter.jar" testbed --mode sim --nodes 250 --items 100 --chance-to-die 1/50 \
    --churn 30s --seed "$seed" --behind-nat "$fraction" --symmetric-nat "$symmetric" --out "$out/run-$seed" 2>/dev/null \
    | grep '^SUMMARY')
  echo "$line"
  r=$(grep -o 'retrieved=[0-9]*/[0-9]*' <<<"$line" | cut -d= -f2)
  got=$((got + ${r%/*})); total=$((total + ${r#*/})); runs=$((runs + 1))
  direct=$(echo "$direct + $(grep -o ' direct=[0-9.]*' <<<"$line" | cut -d= -f2)" | bc)
  punched=$(echo "$punched + $(grep -o ' punched=[0-9.]*' <<<"$line" | cut -d= -f2)" | bc)
  relayed=$(echo "$relayed + $(grep -o ' relayed=[0-9.]*' <<<"$line" | cut -d= -f2)" | bc)
done
printf 'SUMMARY nat-sim behindNat=%s symmetricNat=%s seeds=%s retrieved=%s/%s (%.1f%%) direct=%.1f%% punched=%.1f%% relayed=%.1f%%\n' \
  "$fraction" "$symmetric" "$runs" "$got" "$total" "$(echo "100 * $got / $total" | bc -l)" \
  "$(echo "$direct / $runs" | bc -l)" "$(echo "$punched / $runs" | bc -l)" "$(echo "$relayed / $runs" | bc -l)"

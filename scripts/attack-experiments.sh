#!/usr/bin/env bash
# Issue 11's hostile-peer table: the seed's retention experiment (250 nodes, 30 s churn at 1/50, sim) with a share
# of malicious nodes running each attack, one run per seed; prints every SUMMARY line.
#   scripts/attack-experiments.sh                       10 % malicious, every attack, seeds 1..3
#   scripts/attack-experiments.sh 0.2 "1 2 3 4 5"       20 % malicious, seeds 1..5
#   ATTACKS="trim flood" scripts/attack-experiments.sh  some attacks only
#   BUTTER="java -jar /tmp/butter.jar" ...            run a copied jar (edits to the sources then rebuild nothing)
# Each run writes its CSV and chart under attack-experiments/<attack>-<fraction>-<seed>/, and the attackers'
# counters (stderr's "attack counters" line) to counters.txt there.
set -euo pipefail
fraction=${1:-0.10}
seeds=${2:-1 2 3}
attacks=${ATTACKS:-trim tombstone sybil-leader lying-summary flood all}
root=$(cd "$(dirname "$0")/.." && pwd)
butter=${BUTTER:-$root/butter}
for attack in $attacks; do
  for seed in $seeds; do
    out="attack-experiments/$attack-$fraction-$seed"
    mkdir -p "$out"
    $butter testbed --mode sim --nodes 250 --chance-to-die 1/50 --churn 30s --seed "$seed" \
      --malicious "$fraction" --attack "$attack" --out "$out" 2> >(grep -E '^testbed: attack counters' > "$out/counters.txt")
  done
done

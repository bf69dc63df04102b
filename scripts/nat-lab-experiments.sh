#!/usr/bin/env bash
# Issue 15's NAT-pair experiment with real `butter node` processes in the NAT lab (network namespaces):
# for every pair of PUBLIC / UPNP (miniupnpd) / PLAIN (masquerade) / SYMMETRIC (masquerade fully-random) nodes,
# how they first connect (mapped, direct, relayed, failed) and how soon, over RUNS fresh labs.
#   sudo BOUND_SECONDS=90 scripts/nat-lab-experiments.sh [RUNS] [OUT]
# default 20 runs, table in butter-cli/target/nat-lab-experiments.md; a run waits up to BOUND_SECONDS for every pair.
# Root only (it creates namespaces butter-nat*; each lab removes them when done, also on failure, and a later run
# removes those of a JVM that died). Needs iproute2, nftables, miniupnpd (nftables backend).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-20}"
out="${2:-$root/butter-cli/target/nat-lab-experiments.md}"
if [[ "$(id -u)" != 0 ]]; then
    echo "the NAT lab needs root (network namespaces)" >&2
    exit 1
fi
cd "$root"
./build -q test -pl butter-cli -am -Dtest=WiderLabExperiment -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbutter.natLab.runs="$runs" -Dbutter.natLab.out="$out" -Dbutter.natLab.boundSeconds="${BOUND_SECONDS:-90}" \
    -Dbutter.testForkTimeoutSeconds=$((runs * (${BOUND_SECONDS:-90} + 90) + 300))
cat "$out"

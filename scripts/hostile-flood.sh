#!/usr/bin/env bash
# The hostile-client attack with big numbers: a separate attacker process on 127.0.0.2 (idle throwaway keys, TLS
# without or with a wrong certificate, silent keys, stalled TCP, half TLS records, then a flood of raw-garbage
# connections) against a real node on 127.0.0.1, while a legitimate peer calls it every 50 ms. Loopback only,
# bounded in count and time. Prints one SUMMARY line: legitimate requests ok/failed during the attack, p50/p99
# latency, whether a newcomer was served during the attack, and the bytes the node logged at INFO and above.
#   scripts/hostile-flood.sh [FLOOD_CONNECTIONS=10000] [FLOOD_SECONDS=60] [SEED=1]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/find-java.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -q -B -ntp test-compile -pl butter-node -am
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
./mvnw -q -B -ntp dependency:build-classpath -pl butter-node -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
# The modules' own classes first, ahead of any butter jar installed in the local repository.
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "butter-node/target/test-classes:butter-node/target/classes:butter-core/target/classes:$(cat "$classpath_file")" \
  network.butter.node.HostileFloodBench "$@"

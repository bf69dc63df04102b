#!/usr/bin/env bash
# A file many times a node's memory through that node: real `butter node` processes on loopback, eight keeping
# the network's copies (in memory: this measures the API node's memory, not the disks'; chunk writes with fsync still
# run on the network loop, see issue 12) and one with a small memory budget and a heap of the same size (-Xmx)
# serving the control API, keeping little storage of its own.
# `butter put` streams the file in through that node, `butter get` streams it back out; the copies must match.
# Prints one SUMMARY line: size, budget, put and get seconds, the API node's peak resident memory, match.
#   scripts/stream-experiment.sh [SIZE_MIB=1024] [BUDGET_MIB=256]
# BUTTER_JAR=path runs that jar instead of building one; NODE_JAVA_OPTS adds JVM options to every node (e.g. a
# -Dlogback.configurationFile to log more); KEEP_LOGS=1 keeps the nodes' logs.
# Loopback only; every process is stopped at the end, also on failure; each step is bounded in time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/find-java.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-1024}"
budget_mib="${2:-256}"
work=$(mktemp -d /tmp/butter-stream.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP_LOGS:-}" ] && trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; echo "logs in $work"' EXIT
jar="$work/butter.jar"
if [ -n "${BUTTER_JAR:-}" ]; then
  cp "$BUTTER_JAR" "$jar"
else
  (cd "$root" && ./mvnw -q -B -ntp package -DskipTests -pl butter-cli -am)
  cp "$root/butter-cli/target/butter.jar" "$jar"
fi
java=("$JAVA_HOME/bin/java")
read -r -a node_opts <<<"${NODE_JAVA_OPTS:-}"
base_port=$((20000 + RANDOM % 20000))
api_port=$((base_port + 100))
# Together they keep three copies of the file (r = 3), one owner may use at most a quarter of a node's store, and a
# large content's stripes spread over all the nodes: so each store is four times a share of 3/8 of the file with half
# again as headroom (in memory only what is stored counts). That share caps what one node keeps of the file, so a
# storage node's heap is twice the share (its memory budget, which must be twice an in-memory store, would let the
# JVM grow a heap far larger than it uses: nine JVMs share this machine).
storage_nodes=8
share_mib=$(( size_mib * 3 * 3 / (storage_nodes * 2) + 16 ))
store_mib=$(( share_mib * 4 ))
storage_heap_mib=$(( share_mib * 2 + 256 ))
for i in $(seq 1 $storage_nodes); do
  "${java[@]}" "${node_opts[@]}" -XX:+ExitOnOutOfMemoryError "-Xmx${storage_heap_mib}m" -jar "$jar" node --host 127.0.0.1 --port $((base_port + i)) --no-http \
    --memory "$((store_mib * 2))m" --storage "${store_mib}m" --bootstrap "127.0.0.1:$base_port" >"$work/node$i.log" 2>&1 &
  pids+=($!)
done
"${java[@]}" "${node_opts[@]}" -XX:+ExitOnOutOfMemoryError "-Xmx${budget_mib}m" -jar "$jar" node --host 127.0.0.1 --port "$base_port" --memory "${budget_mib}m" \
  --storage "$((budget_mib / 4))m" --http-port "$api_port" >"$work/api.log" 2>&1 &
api_pid=$!
pids+=($api_pid)
api="127.0.0.1:$api_port"
for _ in $(seq 1 120); do
  if "${java[@]}" -jar "$jar" status --api "$api" 2>/dev/null | grep -q "known hosts: $storage_nodes"; then break; fi
  sleep 1
done
if ! "${java[@]}" -jar "$jar" status --api "$api" 2>/dev/null | grep -q "known hosts: $storage_nodes"; then
  echo "the network did not form within 120 s:" >&2
  tail -n 3 "$work"/*.log >&2
  exit 1
fi
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/in.bin"
start=$(date +%s.%N)
id=$(timeout 3600 "${java[@]}" -jar "$jar" put --api "$api" "$work/in.bin")
put_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
timeout 3600 "${java[@]}" -jar "$jar" get --api "$api" -o "$work/out.bin" -- "$id" >/dev/null
get_s=$(echo "$(date +%s.%N) - $start" | bc)
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$api_pid/status")
match=$(cmp -s "$work/in.bin" "$work/out.bin" && echo yes || echo no)
printf 'SUMMARY stream size_mib=%s budget_mib=%s heap_mib=%s put_s=%.1f get_s=%.1f api_node_peak_rss_mib=%s match=%s\n' \
  "$size_mib" "$budget_mib" "$budget_mib" "$put_s" "$get_s" "$((peak_kib / 1024))" "$match"

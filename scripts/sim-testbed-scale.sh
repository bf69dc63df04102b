#!/usr/bin/env bash
# Runs the churn experiment in the simulator at one network size and measures what the issue-13 scale table needs:
# wall time, CPU time and events of every phase (from the testbed's own progress lines and /proc), the live heap
# after forming and after churn (a full GC through jcmd when the phase ends, so the figure is live data, not
# garbage), the SUMMARY line, and at the end one row of the scaling table (retention, retrieval, messages per
# query, upkeep requests and messages per node per second, events to formed per node) computed from the run's CSV.
#   scripts/sim-testbed-scale.sh NODES [JAR] [extra testbed options...]
#   SIM_XMX=16g scripts/sim-testbed-scale.sh 100000 /tmp/butter.jar --items 1000 --churn 60s
# Defaults: the worktree's butter-cli/target/butter.jar, -Xmx8g, --items 1000 --churn 60s --seed 1.
# The JVM runs the parallel collector, as `butter testbed --mode sim` does (G1's write barriers and refinement cost a
# 100,000-node run more than its short pauses saved: docs/EXPERIMENTS.md, "Which collector for the simulator");
# SIM_GC names another (SIM_GC=-XX:+UseG1GC, say).
# SIM_JAVA_OPTS adds JVM options (a JFR recording, say); SIM_OUT names the output directory; SIM_TIMEOUT (a
# duration for timeout(1), e.g. 75m) stops the JVM after that long of wall time (the lines so far still say how far
# it got: the phase reached and its events).
# Output: the testbed's lines, a "cpu:" line at each phase end (CPU seconds of the JVM so far and events per CPU
# second), each "heap:" line (live MiB and bytes per node), "/usr/bin/time" figures, then "SCALE ..." and
# "| ... |" (a markdown row of the table in docs/EXPERIMENTS.md, "Scaling curves").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/find-java.sh"
nodes=${1:?usage: sim-testbed-scale.sh NODES [JAR] [testbed options...]}
jar=${2:-$root/butter-cli/target/butter.jar}
shift $(( $# >= 2 ? 2 : 1 ))
out=${SIM_OUT:-$(mktemp -d /tmp/sim-scale-XXXXXX)}
mkdir -p "$out"
log="$out/testbed.log"
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
  options=(--items 1000 --churn 60s --seed 1)
fi
ticks=$(getconf CLK_TCK)
# CPU seconds (user + system) the process has used so far, from /proc.
cpu_seconds() {
  awk -v t="$ticks" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo "?"
}
/usr/bin/time -f "time: %e s wall, %U s user, %M KiB peak RSS" \
  timeout "${SIM_TIMEOUT:-0}" "$JAVA_HOME/bin/java" "-Xmx${SIM_XMX:-8g}" "${SIM_GC:--XX:+UseParallelGC}" ${SIM_JAVA_OPTS:-} \
  -XX:+ExitOnOutOfMemoryError -jar "$jar" testbed --mode sim \
  --nodes "$nodes" --out "$out" "${options[@]}" >"$log" 2>&1 &
time_pid=$!
java_pid=""
seen=0
heap_after_form=""
while kill -0 "$time_pid" 2>/dev/null; do
  sleep 2
  if [ -z "$java_pid" ]; then
    timeout_pid=$(pgrep -P "$time_pid" timeout || true)
    [ -z "$timeout_pid" ] || java_pid=$(pgrep -P "$timeout_pid" java || true)
  fi
  lines=$(wc -l <"$log")
  if [ "$lines" -gt "$seen" ]; then
    new=$(tail -n +"$((seen + 1))" "$log" | head -n "$((lines - seen))")
    seen=$lines
    printf '%s\n' "$new"
    if [ -n "$java_pid" ] && grep -qE '^testbed: [a-z]+ done' <<<"$new"; then
      cpu=$(cpu_seconds "$java_pid")
      events=$(grep -oE '[0-9]+ events run so far' <<<"$new" | tail -1 | cut -d' ' -f1)
      echo "cpu: $cpu CPU s so far, ${events:-?} events$( [ -n "$events" ] && [ "$cpu" != "?" ] \
        && awk -v e="$events" -v c="$cpu" 'BEGIN { if (c > 0) printf ", %.0f events per CPU second", e / c }')"
    fi
    if [ -n "$java_pid" ] && grep -qE '^testbed: (form|churn) done' <<<"$new"; then
      # The histogram counts the filler arrays a collector leaves in dead space (jdk.internal.vm.FillerElement[]:
      # 5 MB at 10,000 nodes under G1, 45 MB under the parallel collector): not live data, so not counted here.
      live=$("$JAVA_HOME/bin/jcmd" "$java_pid" GC.class_histogram 2>/dev/null \
        | awk '/FillerElement;/ {filler += $3} /^Total/ {total = $3} END {if (total) printf "%.0f\n", total - filler}' || true)
      if [ -n "$live" ]; then
        echo "heap: $((live / 1048576)) MiB live after a full GC, $((live / nodes)) bytes per node"
        if grep -qE '^testbed: form done' <<<"$new"; then heap_after_form=$((live / nodes)); fi
      fi
    fi
  fi
done
wait "$time_pid" || true
tail -n +"$((seen + 1))" "$log"
csv=$(ls "$out"/churn-*.csv 2>/dev/null | head -1 || true)
summary=$(grep -E '^SUMMARY' "$log" | tail -1 || true)
formed_events=$(grep -E '^testbed: form done' "$log" | grep -oE '[0-9]+ events run so far' | tail -1 | cut -d' ' -f1 || true)
if [ -n "$csv" ] && [ -n "$summary" ]; then
  items=$(grep -oE ' items=[0-9]+' <<<"$summary" | cut -d= -f2)
  retrieved=$(grep -oE 'retrieved=[0-9]+/[0-9]+ \([0-9.]+%\)' <<<"$summary")
  churn_messages=$(grep -oE 'churn:msgs/node/s=[0-9.]+' <<<"$summary" | cut -d= -f2)
  # Retention: availability when settling ends. Messages per query: search messages of the retrieve phase (queries
  # forwarded and hits) per item. Upkeep: every request sent from the end of storing to the end of settling but the
  # search ones, per node per second, and the known hosts' share of it; the same as messages (a message is a request
  # or an answer: every request and answer sent in that window but the search requests and their answers, one per
  # request). "churn" is the SUMMARY's churn:msgs/node/s (every message of the churn phase over its live
  # node-seconds), the figure the 100-node heartbeat experiment reports.
  awk -F, -v nodes="$nodes" -v items="$items" -v retrieved="$retrieved" -v heap="${heap_after_form:-?}" \
    -v formed="${formed_events:-0}" -v churn="${churn_messages:-?}" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { phase = $col["phase"] }
    function search(f) { return f[col["requests:butter/retrieve/query"]] + f[col["requests:butter/retrieve/hit"]] }
    function sent(f) { return f[col["requests_sent"]] + f[col["replies_sent"]] }
    phase == "store" { split($0, store, ","); next }
    phase == "churn" || phase == "settle" { split($0, settled, ","); next }
    phase == "retrieve" { split($0, end, ",") }
    END {
      seconds = settled[col["t_s"]] - store[col["t_s"]]
      searches = search(settled) - search(store)
      upkeep = (settled[col["requests_sent"]] - store[col["requests_sent"]]) - searches
      messages = (sent(settled) - sent(store)) - 2 * searches
      hosts = (settled[col["requests:butter/hosts/poll"]] + settled[col["requests:butter/hosts/sample"]]) \
        - (store[col["requests:butter/hosts/poll"]] + store[col["requests:butter/hosts/sample"]])
      perQuery = (search(end) - search(settled)) / items
      printf "SCALE nodes=%d retention=%.4f %s msgs/query=%.1f upkeep requests/node/s=%.1f (known hosts %.1f) upkeep msgs/node/s=%.1f churn:msgs/node/s=%s events-to-formed/node=%.0f heap/node=%s B\n",
        nodes, settled[col["availability"]], retrieved, perQuery, upkeep / nodes / seconds, hosts / nodes / seconds,
        messages / nodes / seconds, churn, formed / nodes, heap
      sub(/^retrieved=/, "", retrieved)
      printf "| %d | %.1f %% | %s | %.1f | %.1f (known hosts %.1f) | %.1f | %s | %.0f | %s |\n", nodes,
        100 * settled[col["availability"]], retrieved, perQuery, upkeep / nodes / seconds, hosts / nodes / seconds,
        messages / nodes / seconds, churn, formed / nodes, heap == "?" ? "?" : sprintf("%.1f KB", heap / 1000)
    }' "$csv"
fi
echo "output: $out"

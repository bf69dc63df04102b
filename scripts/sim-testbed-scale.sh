#!/usr/bin/env bash
# Runs the churn experiment in the simulator at one network size and measures what the issue-13 scale table needs:
# wall time of every phase (from the testbed's own progress lines), the live heap after forming and after churn
# (a full GC through jcmd when the phase ends, so the figure is live data, not garbage), and the SUMMARY line.
#   scripts/sim-testbed-scale.sh NODES [JAR] [extra testbed options...]
#   SIM_XMX=16g scripts/sim-testbed-scale.sh 100000 /tmp/butter.jar --items 1000 --churn 60s
# Defaults: the worktree's butter-cli/target/butter.jar, -Xmx8g, --items 1000 --churn 60s --seed 1.
# Output: the testbed's lines, each "heap:" line (live MiB and bytes per node), and "/usr/bin/time" figures.
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
/usr/bin/time -f "time: %e s wall, %U s user, %M KiB peak RSS" \
  "$JAVA_HOME/bin/java" "-Xmx${SIM_XMX:-8g}" -XX:+ExitOnOutOfMemoryError -jar "$jar" testbed --mode sim \
  --nodes "$nodes" --out "$out" "${options[@]}" >"$log" 2>&1 &
time_pid=$!
java_pid=""
seen=0
while kill -0 "$time_pid" 2>/dev/null; do
  sleep 2
  [ -n "$java_pid" ] || java_pid=$(pgrep -P "$time_pid" java || true)
  lines=$(wc -l <"$log")
  if [ "$lines" -gt "$seen" ]; then
    new=$(tail -n +"$((seen + 1))" "$log" | head -n "$((lines - seen))")
    seen=$lines
    printf '%s\n' "$new"
    if [ -n "$java_pid" ] && grep -qE '^testbed: (form|churn) done' <<<"$new"; then
      live=$("$JAVA_HOME/bin/jcmd" "$java_pid" GC.class_histogram 2>/dev/null | awk '/^Total/ {print $3}')
      if [ -n "$live" ]; then
        echo "heap: $((live / 1048576)) MiB live after a full GC, $((live / nodes)) bytes per node"
      fi
    fi
  fi
done
wait "$time_pid" || true
tail -n +"$((seen + 1))" "$log"
echo "output: $out"

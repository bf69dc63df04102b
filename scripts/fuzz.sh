#!/usr/bin/env bash
# Fuzzes every decoder of network bytes for real with Jazzer, outside CI (see docs/FUZZING.md).
#
#   scripts/fuzz.sh                     every target, 500,000 executions each (11 million in all), 10 min cap each
#   scripts/fuzz.sh --runs 100000       fewer executions per target
#   scripts/fuzz.sh --time 2m           fuzz each target this long instead (Jazzer durations: 30s, 5m, 1h);
#                                       with --runs too, whichever comes first
#   scripts/fuzz.sh Beacon Manifest     only the targets whose Class#method contains one of these words
#   scripts/fuzz.sh --list              print the targets and exit
#
# Each target is one @FuzzTest method, fuzzed in its own JVM (Jazzer fuzzes one per JVM) started straight on the
# module's compiled test classpath. The script prints, per target, its executions and findings, then one line:
#   SUMMARY targets=N executions=N findings=N
# A finding's input is written by Jazzer into the target's seed directory
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>), so it is replayed by every later
# `./build test` until fixed; rename it after what it shows. Logs: target/fuzz/<Class>#<method>.log per module.
# Exits 1 if there was a finding or a target failed to run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-java.sh

runs=500000
time_cap=10m
filters=()
list_only=false
runs_given=false
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; runs_given=true; shift 2 ;;
    --time) time_cap=$2; $runs_given || runs=0; shift 2 ;;
    --list) list_only=true; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) filters+=("$1"); shift ;;
  esac
done
case "$runs" in ''|*[!0-9]*) echo "--runs needs a number, got '$runs'" >&2; exit 2 ;; esac

modules=(butter-core butter-node)

# Lists "module class#method" for every @FuzzTest method in the modules' test sources.
list_targets() {
  local module file class
  for module in "${modules[@]}"; do
    while IFS= read -r file; do
      class=${file#"$module"/src/test/java/}
      class=${class%.java}
      class=${class//\//.}
      awk -v module="$module" -v class="$class" '
        /@FuzzTest/ { pending = 1; next }
        pending && match($0, /void [A-Za-z0-9_]+\(/) {
          print module " " class "#" substr($0, RSTART + 5, RLENGTH - 6); pending = 0
        }' "$file"
    done < <(grep -rl --include='*.java' '@FuzzTest' "$module/src/test/java" | sort)
  done
}

selected=()
while IFS= read -r target; do
  if [ ${#filters[@]} -eq 0 ]; then
    selected+=("$target")
  else
    for word in "${filters[@]}"; do
      if [[ "$target" == *"$word"* ]]; then selected+=("$target"); break; fi
    done
  fi
done < <(list_targets)
if [ ${#selected[@]} -eq 0 ]; then
  echo "no fuzz target matches: ${filters[*]}" >&2
  exit 2
fi
if $list_only; then
  printf '%s\n' "${selected[@]#* }"
  exit 0
fi

echo "Compiling the tests and writing their classpaths..."
./mvnw -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz-classpath.txt \
  -Dmdep.includeScope=test -pl "$(IFS=,; echo "${modules[*]}")" -am >/dev/null

# JDK 21+: Jazzer attaches its agent at run time and appends to the boot class path (which class-data sharing
# would warn about), and its runtime loads a native library; JDK 24+ also warns about its sun.misc.Unsafe calls.
jvm_flags=(-Xmx2g -XX:+EnableDynamicAgentLoading -Xshare:off --enable-native-access=ALL-UNNAMED)
if [ "$(butter_java_major "$JAVA_HOME")" -ge 24 ]; then
  jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
fi

total_runs=0
total_findings=0
failed_to_run=0
for target in "${selected[@]}"; do
  module=${target%% *}
  method=${target#* }
  mkdir -p "$module/target/fuzz"
  log="$module/target/fuzz/$method.log"
  inputs="$module/src/test/resources/$(echo "${method%%#*}" | tr . /)Inputs/${method#*#}"
  before=$(ls "$inputs" 2>/dev/null | grep -c '^crash-' || true)
  classpath="$PWD/$module/target/test-classes:$PWD/$module/target/classes:$(cat "$module/target/fuzz-classpath.txt")"
  status=0
  # JAZZER_FUZZ switches @FuzzTest from replaying seeds to fuzzing; the JVM runs in the module directory so that
  # Jazzer finds the seed directory under src/test/resources and keeps its growing corpus in .cifuzz-corpus.
  (cd "$module" && JAZZER_FUZZ=1 JAZZER_MAX_EXECUTIONS="$runs" JAZZER_MAX_DURATION="$time_cap" \
    "$JAVA_HOME/bin/java" "${jvm_flags[@]}" -cp "$classpath" ../scripts/FuzzTarget.java "$method") >"$log" 2>&1 || status=$?
  # libFuzzer ends with "Done N runs in S second(s)"; after a finding its last status line "#N ..." counts.
  executions=$(grep -oE '^Done [0-9]+ runs' "$log" | tail -1 | awk '{print $2}')
  if [ -z "$executions" ]; then
    executions=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  executions=${executions:-0}
  after=$(ls "$inputs" 2>/dev/null | grep -c '^crash-' || true)
  findings=$((after - before))
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    if grep -q 'FuzzTestFindingException\|== Java Exception' "$log"; then
      findings=1
    else
      failed_to_run=$((failed_to_run + 1))
      echo "TARGET $method did not run (exit $status), see $log"
    fi
  fi
  total_runs=$((total_runs + executions))
  total_findings=$((total_findings + findings))
  echo "TARGET $method executions=$executions findings=$findings"
  if [ "$findings" -gt 0 ]; then
    ls -t "$inputs" | grep '^crash-' | head -"$findings" | sed "s#^#  input: $inputs/#"
  fi
done

echo "SUMMARY targets=${#selected[@]} executions=$total_runs findings=$total_findings"
[ "$total_findings" -eq 0 ] && [ "$failed_to_run" -eq 0 ]

#!/usr/bin/env bash
# Issue 11's whole "Show" table in the simulator: the seed's retention experiment (250 nodes, 100 items, 30 s churn)
# at each churn rate, seeds 1-5, under silent deaths (with and without 5 % loss), 10 % and 20 % malicious nodes for
# every attack and `all`, and 1/10 silent deaths with adaptive replication (--max-replication 6). One JVM at a time
# (-Xmx4g, nice -n 10), each run bounded by RUN_TIMEOUT; prints a markdown table at the end.
#   scripts/hostile-experiments.sh                     every row (~140 runs; ~10 s each on a quiet machine)
#   SEEDS="1 2" RATES="1/50" scripts/hostile-experiments.sh
#   ROWS="silent flood" scripts/hostile-experiments.sh   rows whose name contains one of the words
#   OUT=dir scripts/hostile-experiments.sh --table      only print the table of the runs already in OUT
# Each run's SUMMARY line goes to $OUT/<row>-<rate>-<seed>.txt (a run already there is not run again, so an
# interrupted table can be resumed); the jar is copied first, so a rebuild during the runs changes nothing.
# Env: SEEDS (1 2 3 4 5), RATES (1/50 1/100), ROWS (all), OUT (hostile-experiments), RUN_TIMEOUT (1800 s),
#      BUDGET_MINUTES (total wall-clock bound, 0 = none; runs not started by then are left out of the table),
#      EXTRA (testbed options added to every row, e.g. "--max-replication 3" for the fixed r = 3 of the time before
#      adaptive replication was the default; a row's own --max-replication wins), JAR (a butter.jar to run instead
#      of building this tree's).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${SEEDS:-1 2 3 4 5}
rates=${RATES:-1/50 1/100}
rows_filter=${ROWS:-}
out=${OUT:-hostile-experiments}
run_timeout=${RUN_TIMEOUT:-1800}
budget_minutes=${BUDGET_MINUTES:-0}
table_only=false
[ "${1:-}" = "--table" ] && table_only=true
attacks="trim tombstone sybil-leader lying-summary flood all"

# name|rate ("each" = every rate in RATES)|testbed options
rows=("silent|each|--deaths silent" "silent+loss5%|each|--deaths silent --loss 0.05")
for attack in $attacks; do
  rows+=("10% $attack|each|--malicious 0.1 --attack $attack" "20% $attack|each|--malicious 0.2 --attack $attack")
done
rows+=("silent adaptive r<=6|1/10|--deaths silent --max-replication 6")

selected() { # row name
  [ -z "$rows_filter" ] && return 0
  local word
  for word in $rows_filter; do [[ "$1" == *"$word"* ]] && return 0; done
  return 1
}
rates_of() { # row rate field
  if [ "$1" = each ]; then echo "$rates"; else echo "$1"; fi
}
file_of() { # name rate seed
  local tag="${1//[^A-Za-z0-9+=-]/_}-${2//\//_}-$3"
  echo "$out/$tag.txt"
}

mkdir -p "$out"
if ! $table_only; then
  if [ -z "${JAR:-}" ]; then
    ./butter --version >/dev/null   # builds butter-cli/target/butter.jar if it is missing or stale
    git rev-parse --short HEAD > "$out/commit.txt" 2>/dev/null || true
  else
    echo "jar $JAR" > "$out/commit.txt"
  fi
  source scripts/find-java.sh
  jar="$out/butter.jar"
  cp "${JAR:-butter-cli/target/butter.jar}" "$jar"
  echo "EXTRA=${EXTRA:-}" >> "$out/commit.txt"
  started=$(date +%s)
  for row in "${rows[@]}"; do
    IFS='|' read -r name rate_field options <<<"$row"
    selected "$name" || continue
    for rate in $(rates_of "$rate_field"); do
      for seed in $seeds; do
        file=$(file_of "$name" "$rate" "$seed")
        [ -s "$file" ] && continue
        if [ "$budget_minutes" -gt 0 ] && [ $(( $(date +%s) - started )) -ge $(( budget_minutes * 60 )) ]; then
          echo "hostile-experiments: wall-clock budget of $budget_minutes min spent; the rest is left out" >&2
          break 3
        fi
        t0=$(date +%s)
        extra=${EXTRA:-}
        [[ "$options" == *--max-replication* ]] && extra=$(sed -E 's/--max-replication [0-9]+//' <<<"$extra")
        # shellcheck disable=SC2086
        line=$(nice -n 10 timeout "$run_timeout" "$JAVA_HOME/bin/java" -Xmx4g -jar "$jar" testbed --mode sim \
          --nodes 250 --items 100 --churn 30s --chance-to-die "$rate" --seed "$seed" $extra $options \
          --out "$out/runs/${file##*/}" 2>/dev/null | grep '^SUMMARY' || true)
        if [ -n "$line" ]; then
          echo "$line" > "$file"
        fi
        echo "$name rate=$rate seed=$seed $(grep -o 'retrieved=[^ ]*' <<<"$line" || echo 'no SUMMARY (timed out?)') wall=$(( $(date +%s) - t0 ))s load=$(cut -d' ' -f1 /proc/loadavg)" >&2
      done
    done
  done
fi

field() { # name line
  { grep -o " $1=[^ ]*" <<<"$2" || true; } | head -1 | cut -d= -f2
}
echo "| row | rate | retrieved per seed ($(echo $seeds | tr ' ' ',')) | total | wrong reads | honest max stored / budget (bytes) | max groups · tombstones | msgs/node/s (mean) |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  IFS='|' read -r name rate_field options <<<"$row"
  selected "$name" || continue
  for rate in $(rates_of "$rate_field"); do
    per_seed=(); got=0; total=0; wrong=0; wrong_known=false; stored=0; budget=""; groups=0; tombs=0; msgs_sum=0; runs=0
    for seed in $seeds; do
      file=$(file_of "$name" "$rate" "$seed")
      if [ ! -s "$file" ]; then per_seed+=("–"); continue; fi
      line=$(cat "$file")
      r=$(field retrieved "$line")
      per_seed+=("${r%/*}")
      got=$((got + ${r%/*})); total=$((total + ${r#*/})); runs=$((runs + 1))
      w=$(field wrong "$line"); if [ -n "$w" ]; then wrong=$((wrong + w)); wrong_known=true; fi
      s=$(field honestPeakStored "$line")
      if [ -n "$s" ]; then
        [ "${s%/*}" -gt "$stored" ] && stored=${s%/*}
        budget=${s#*/}
        g=$(field honestPeakGroups "$line"); [ "$g" -gt "$groups" ] && groups=$g
        t=$(field honestPeakTombstones "$line"); [ "$t" -gt "$tombs" ] && tombs=$t
      fi
      msgs_sum=$(awk "BEGIN{print $msgs_sum + $(field msgs/node/s "$line")}")
    done
    if [ "$runs" -eq 0 ]; then
      echo "| $name | $rate | $(IFS=' '; echo "${per_seed[*]}") | not run | | | | |"
      continue
    fi
    pct=$(awk "BEGIN{printf \"%.1f\", 100*$got/$total}")
    $wrong_known || wrong="– (no attackers)"
    mem="–"; [ -n "$budget" ] && mem="$stored / $budget"
    gt="–"; [ -n "$budget" ] && gt="$groups · $tombs"
    echo "| $name | $rate | $(IFS=' '; echo "${per_seed[*]}") | $got/$total = $pct % | $wrong | $mem | $gt | $(awk "BEGIN{printf \"%.1f\", $msgs_sum/$runs}") |"
  done
done
echo "commit $(tr '\n' ' ' < "$out/commit.txt" 2>/dev/null || echo '?'), runs in $out"

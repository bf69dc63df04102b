#!/usr/bin/env bash
# Retention under silent deaths (the dying node's links go dark: no reset, no refusal), in the simulator:
# the seed's experiment (250 nodes, 100 items, 30 s churn) for each churn rate, with and without 5 % message loss.
#   scripts/silent-experiments.sh [--rates "1/50 1/100"] [--seeds "1 2 3 4 5"] [--parallel 2] [-- extra testbed options]
# Prints one line per run and a SUMMARY line per configuration: retrieved/total over all seeds, mean messages.
set -euo pipefail
cd "$(dirname "$0")/.."
rates="1/50 1/100"; seeds="1 2 3 4 5"; parallel=2; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) rates="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "silent-experiments.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
./butter --version >/dev/null   # builds butter-cli/target/butter.jar if it is missing or stale
source scripts/find-java.sh
out=$(mktemp -d /tmp/butter-silent.XXXXXX)
trap 'rm -rf "$out"' EXIT
BUTTER_JAVA="$JAVA_HOME/bin/java"
BUTTER_JAR="$out/butter.jar"   # a private copy: a rebuild during the run cannot change it
cp butter-cli/target/butter.jar "$BUTTER_JAR"
run() { # rate loss seed
  local tag="${1//\//_}-$2-$3"
  local loss=(); [ "$2" != 0 ] && loss=(--loss "$2")
  local extra=(); read -r -a extra <<<"$EXTRA"
  "$BUTTER_JAVA" -jar "$BUTTER_JAR" testbed --mode sim --nodes 250 --items 100 --chance-to-die "$1" --churn 30s \
    --seed "$3" --deaths silent "${loss[@]}" "${extra[@]}" --out "$out/$tag" 2>/dev/null | grep '^SUMMARY' > "$out/$tag.txt"
  echo "rate=$1 loss=$2 seed=$3 $(grep -o 'retrieved=[^ ]*' "$out/$tag.txt") $(grep -o 'maintenance=[^ ]*' "$out/$tag.txt")"
}
EXTRA="${extra[*]:-}"
export -f run; export out BUTTER_JAVA BUTTER_JAR EXTRA
for rate in $rates; do
  for loss in 0 0.05; do
    printf '%s\n' $seeds | xargs -P "$parallel" -I{} bash -c "run '$rate' '$loss' {}"
    got=0; total=0; msgs=0; runs=0
    for seed in $seeds; do
      line=$(cat "$out/${rate//\//_}-$loss-$seed.txt")
      r=$(grep -o 'retrieved=[0-9]*/[0-9]*' <<<"$line" | cut -d= -f2)
      got=$((got + ${r%/*})); total=$((total + ${r#*/}))
      msgs=$((msgs + $(grep -o ' messages=[0-9]*' <<<"$line" | cut -d= -f2))); runs=$((runs + 1))
    done
    echo "SUMMARY silent rate=$rate loss=$loss retrieved=$got/$total ($(awk "BEGIN{printf \"%.2f\", 100*$got/$total}")%) meanMessages=$((msgs / runs)) seeds=\"$seeds\" ${extra[*]:-}"
  done
done

#!/usr/bin/env bash
# Draws the scaling curves of docs/EXPERIMENTS.md ("Scaling curves in the simulator") from their rows:
#   scripts/scaling-chart.sh [ROWS.csv] [OUT.png] [JAR]
# Defaults: docs/img/scaling-curves.csv, docs/img/scaling-curves.png, the worktree's butter-cli/target/butter.jar
# (any butter jar: it is only the class path that carries JFreeChart). The rows are typed in by hand from the
# "| ... |" lines scripts/sim-testbed-scale.sh prints (see the CSV's header for the columns).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/find-java.sh"
rows=${1:-$root/docs/img/scaling-curves.csv}
png=${2:-$root/docs/img/scaling-curves.png}
jar=${3:-$root/butter-cli/target/butter.jar}
"$JAVA_HOME/bin/java" -cp "$jar" "$root/scripts/ScalingChart.java" "$rows" "$png"
echo "chart: $png"

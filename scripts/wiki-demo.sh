#!/usr/bin/env bash
# The wiki as four real `butter wiki` processes on loopback, driven over HTTP as a browser would: create a page on A,
# stop A, read and edit the page on B, see the edit and the history on C. Prints what each step saw and how long
# saving took. Every wait is bounded; every process is stopped at the end, also on failure.
#   scripts/wiki-demo.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
butter=${BUTTER:-$root/butter}
work=$(mktemp -d /tmp/butter-wiki-demo.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$butter" --version >/dev/null # builds the jar once, before the nodes start together

wait_for() { # file pattern: up to 20 s
  for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "timed out waiting for '$2' in $1" >&2; exit 1
}
"$butter" wiki --host 127.0.0.1 --http-port 0 --nick ana >"$work/a.out" 2>"$work/a.err" & pids+=($!)
wait_for "$work/a.out" '^author:'
bootstrap=$(grep '^address:' "$work/a.out" | head -1 | sed 's/.*@//')
for n in bo cy di; do
  "$butter" wiki --host 127.0.0.1 --http-port 0 --nick $n --bootstrap "$bootstrap" >"$work/$n.out" 2>"$work/$n.err" & pids+=($!)
done
for n in bo cy di; do wait_for "$work/$n.out" '^author:'; done
url() { grep '^wiki:' "$work/$1.out" | sed 's/wiki: //'; }
A=$(url a); B=$(url bo); C=$(url cy)

field() { curl -s "$1" | grep -o "name=\"$2\" value=\"[0-9a-f]*\"" | sed 's/.*value="//;s/"//'; }
save() { # base page text: saves a new version of the page's current one, as the editor form does
  local token parent start
  token=$(field "$1edit?page=$2" token); parent=$(field "$1edit?page=$2" parent); start=$(date +%s%N)
  curl -s -o /dev/null -w "  HTTP %{http_code}" --data-urlencode "page=$2" --data-urlencode "parent=$parent" \
    --data-urlencode "token=$token" --data-urlencode "text=$3" "$1save"
  echo ", saved in $(( ($(date +%s%N) - start) / 1000000 )) ms"
}
until_page_shows() { # base page text: up to 20 s
  for _ in $(seq 1 100); do curl -s "$1view?page=$2" | grep -q "$3" && return 0; sleep 0.2; done
  echo "  $1 never showed '$3'" >&2; exit 1
}

echo "waiting until the wiki nodes know each other"
for _ in $(seq 1 100); do curl -s "$A" | grep -q ' 3 other wiki nodes known' && break; sleep 0.2; done
echo "create Home on A ($A)"; save "$A" Home $'# Welcome\nMade on A. See [[Recipes]].'
until_page_shows "$B" Home 'Made on A'
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null; echo "A stopped"
echo "B ($B) shows: $(curl -s "${B}view?page=Home" | grep -o 'Made on A[^<]*')"
echo "edit Home on B"; save "$B" Home $'# Welcome\nEdited on B after A left.'
until_page_shows "$C" Home 'Edited on B'
echo "C ($C) shows: $(curl -s "${C}view?page=Home" | grep -o 'Edited on B[^<]*')"
echo "C's history of Home:"
curl -s "${C}history?page=Home" | grep -o '<tr class="[a-z]*"><td><a[^>]*>v[0-9]*</a></td><td>[^<]*</td><td><span[^>]*>[^<]*' \
  | sed 's/<tr class="\([a-z]*\)"><td><a[^>]*>\(v[0-9]*\)<\/a><\/td><td>\([^<]*\)<\/td><td><span[^>]*>/  \2 \1 \3 by /'

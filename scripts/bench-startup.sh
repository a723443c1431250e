#!/usr/bin/env bash
# Startup measure of issue 5: from the process start to the inbox drawn from the local store.
# Runs the built app under its own Xvfb, first with `--demo` (creates and syncs the demo
# account), then RUNS times reopening the remembered account. Each run logs two events:
# "window ready" (the webview runs the UI's script: the baseline, the cost of any window) and
# "inbox drawn from the local store"; the script prints both, and their ratio, per run and
# as medians.
#   usage: scripts/bench-startup.sh [path/to/messagerie] [RUNS]
set -euo pipefail
app=${1:-target/debug/messagerie}
runs=${2:-7}
[ -x "$app" ] || { echo "build the app first: make ui && cargo build --bin messagerie" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "Xvfb missing: scripts/deps.sh e2e" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
Xvfb :97 -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=:97 MESSAGERIE_DATA_DIR="$work/data" MESSAGERIE_NO_KEYRING=1 NO_AT_BRIDGE=1 \
  WEBKIT_DISABLE_DMABUF_RENDERER=1 MESSAGERIE_LOG=info

# One run: start the app, wait for the inbox line (at most 30 s), stop it, print the two times.
run_once() {
  local log="$work/run.log"
  : >"$log"
  MESSAGERIE_LOG_FILE="$log" "$app" "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 300); do
    grep -q "inbox drawn" "$log" && break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  local ready inbox
  ready=$(grep "window ready" "$log" | sed -E 's/.*elapsed_ms=([0-9]+).*/\1/' | head -1)
  inbox=$(grep "inbox drawn" "$log" | sed -E 's/.*elapsed_ms=([0-9]+).*/\1/' | head -1)
  echo "${ready:-NA} ${inbox:-NA}"
}

echo "first start, --demo (demo ENT + first sync): $(run_once --demo) ms (window ready, inbox drawn)"
results=()
for i in $(seq "$runs"); do
  r=$(run_once)
  results+=("$r")
  echo "reopen $i: window ready / inbox drawn (ms): $r"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
complete=$(printf '%s\n' "${results[@]}" | grep -v NA || true)
[ -n "$complete" ] || { echo "no complete run" >&2; exit 1; }
ready=$(cut -d' ' -f1 <<<"$complete" | median)
inbox=$(cut -d' ' -f2 <<<"$complete" | median)
n=$(wc -l <<<"$complete")
awk -v n="$n" -v r="$ready" -v d="$inbox" 'BEGIN {
  printf "median over %d reopenings: window ready %d ms, inbox drawn %d ms, ratio %.2f\n", n, r, d, d / r }'

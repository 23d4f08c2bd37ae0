#!/usr/bin/env bash
# Simulates many nodes advertising their inventories into the digest grains of an in-process Orleans cluster
# (bench/Spegel.Bench.Index) and measures, per number of nodes:
#   1. how long advertising everything takes, and the grain calls per second that implies;
#   2. managed heap per (digest, holder) record and per digest-grain activation;
#   3. lookup latency (IDigestGrain.ListAsync) idle, under the paced resync load and under saturating re-advertisement;
#   4. the re-advertisement by every surviving agent after a silo is lost.
# Each number of nodes is a separate process, so runs do not share a heap. The script ends with a Markdown block for
# BENCHMARKS.md.
#
# Usage: bench/index-simulation.sh [simulation options, passed to every run, e.g. --agent-concurrency 32]
# Tunables (environment): NODES ("100 1000", one run each), RUN_TIMEOUT_SECONDS (3600 per run),
# KEEP_OUTPUT=1 keeps the runs' full output (Orleans warnings included) in a temporary folder.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
nodes_list=${NODES:-"100 1000"}
run_timeout=${RUN_TIMEOUT_SECONDS:-3600}
project=$repo_root/bench/Spegel.Bench.Index

log() { echo "index-simulation: $*" >&2; }
die() { log "$*"; exit 1; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

cleanup() {
  if [ "${KEEP_OUTPUT:-0}" = 1 ]; then
    log "kept $work"
  else
    rm -rf "$work"
  fi
}

build() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
  log "building bench/Spegel.Bench.Index (Release)"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  timeout 1800 dotnet build "$project" -c Release -v q -nologo >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; die "build failed"; }
  dll=$project/bin/Release/net10.0/Spegel.Bench.Index.dll
  [ -f "$dll" ] || die "build produced no $dll"
}

# Runs the simulation for $1 nodes. Progress lines go to standard error as they come; Orleans' own warnings (under
# heavy load it reports slow turns and thread-pool stalls) are only counted, and kept in the log.
run_one() {
  local nodes=$1 status=0 warnings
  shift
  log "run with $nodes nodes (load average $(load_average))"
  timeout "$run_timeout" dotnet "$dll" --nodes "$nodes" "$@" >"$work/run-$nodes.out" \
    2> >(tee "$work/run-$nodes.err" | grep --line-buffered '^index-simulation:' >&2) || status=$?
  # The process substitution may still be writing; give it a moment to drain.
  sleep 1
  grep -v '^@md' "$work/run-$nodes.out" || true
  warnings=$(grep -c ' warn: \| fail: ' "$work/run-$nodes.err" || true)
  echo "Orleans warnings and errors logged during the run: $warnings"
  echo
  if [ "$status" -ne 0 ]; then
    log "the run with $nodes nodes ended with status $status"
    failed=1
  fi
}

# One table across runs: a row per measure, a column per number of nodes. The runs print their figures as
# tab-separated "@md key label goal value" lines.
print_markdown() {
  local files=() nodes
  for nodes in $nodes_list; do files+=("$work/run-$nodes.out"); done
  echo '```markdown'
  awk -F'\t' -v runs="$nodes_list" '
    BEGIN { count = split(runs, run, " ") }
    FNR == 1 { file++ }
    $1 == "@md" {
      if (!($2 in label)) { order[++keys] = $2; label[$2] = $3; goal[$2] = $4 }
      if (goal[$2] == "" && $4 != "") { goal[$2] = $4 }
      value[$2, file] = $5
    }
    END {
      header = "| Measure | Goal |"; rule = "|---|---|"
      for (i = 1; i <= count; i++) { header = header " " run[i] " nodes |"; rule = rule "---:|" }
      print header; print rule
      for (k = 1; k <= keys; k++) {
        key = order[k]; line = "| " label[key] " | " goal[key] " |"
        for (i = 1; i <= count; i++) { line = line " " ((key, i) in value ? value[key, i] : "n/a") " |" }
        print line
      }
    }' "${files[@]}"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, one process (3 in-process silos, serialised messages), Release, server GC;" \
    "load average $load_before before, $(load_average) after."
  echo '```'
}

main() {
  load_before=$(load_average)
  failed=0
  work=$(mktemp -d)
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  build
  local nodes
  for nodes in $nodes_list; do
    run_one "$nodes" "$@"
  done
  print_markdown
  [ "$failed" -eq 0 ] || die "at least one run failed; see above"
}

main "$@"

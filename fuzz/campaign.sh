#!/usr/bin/env bash
# The long fuzz run (README, `Fuzzing`): each target in turn, niced, up to $CAMPAIGN_RUNS executions
# (default 10 million) and, when $CAMPAIGN_SECONDS is set, at most that many seconds per target.
# Usage: fuzz/campaign.sh <log dir> [target...] (default: every target). One log per target in the
# log dir, and a summary line per target in <log dir>/summary.txt: executions, seconds, exec/s,
# and whether it crashed (the crash input is saved under fuzz/artifacts/<target>/).
# The binaries are built once at the start and run directly (as `cargo fuzz run` would run them,
# with the same corpus and artifact directories), so that editing the sources meanwhile neither
# rebuilds nor breaks the run.
set -uo pipefail
logs="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
runs="${CAMPAIGN_RUNS:-10000000}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
bash seeds.sh >/dev/null
if [ -z "${CAMPAIGN_NO_BUILD:-}" ]; then
    nice -n 19 cargo fuzz build --sanitizer none >"$logs/build.log" 2>&1 || { echo "CAMPAIGN FAILURE: the targets do not build (see $logs/build.log)" >&2; exit 1; }
fi
binaries="target/$(rustc -vV | sed -n 's/^host: //p')/release"
for target in "${targets[@]}"; do
    mkdir -p "artifacts/$target" "corpus/$target"
    limit=()
    [ -n "${CAMPAIGN_SECONDS:-}" ] && limit=(-max_total_time="$CAMPAIGN_SECONDS")
    start=$(date +%s)
    nice -n 19 "$binaries/$target" -runs="$runs" -timeout=10 -rss_limit_mb=4096 "${limit[@]}" -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/" "corpus/$target" >"$logs/$target.log" 2>&1
    status=$?
    seconds=$(( $(date +%s) - start ))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$target.log" | tail -n 1)
    crashes=$(grep -c "^artifact_prefix=.*Test unit written to" "$logs/$target.log")
    if [ -z "$executions" ]; then
        executions=$(grep -o "^#[0-9]*" "$logs/$target.log" | tail -n 1 | tr -d '#')
        echo "$target: the run did not report final stats (exit $status); last count ${executions:-none}" >&2
    fi
    echo "$target executions=${executions:-0} seconds=$seconds exec_per_s=${speed:-?} crashes=$crashes exit=$status" | tee -a "$logs/summary.txt"
done

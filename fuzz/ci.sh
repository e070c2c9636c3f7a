#!/usr/bin/env bash
# Runs every fuzz target for $1 seconds (default 30) from the fixture seeds. Fails loudly when
# cargo-fuzz cannot be installed, a target does not build or start, or a target finds a crash.
set -euo pipefail
seconds="${1:-30}"
cd "$(dirname "$0")"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
cargo fuzz --version
# Stable toolchain only: RUSTC_BOOTSTRAP lets it take cargo-fuzz's `-Z` sanitizer flags.
export RUSTC_BOOTSTRAP=1
bash seeds.sh >/dev/null
cargo fuzz build --sanitizer none
# Runs one target; any failure is reported with the end of its log.
run_target() {
    local target="$1" log
    log="$(mktemp)"
    if ! cargo fuzz run --sanitizer none "$target" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "FUZZ FAILURE: target $target crashed or could not start (artifacts in fuzz/artifacts/$target/)" >&2
        return 1
    fi
    # A run that did not start prints no `Done` line; say so rather than pass silently.
    if ! grep -q "^Done [0-9]* runs" "$log"; then
        tail -n 60 "$log"
        echo "FUZZ FAILURE: target $target did not report a finished run" >&2
        return 1
    fi
    echo "$target: $(grep "^Done [0-9]* runs" "$log")"
    rm -f "$log"
}
# A libFuzzer run uses one core, so the targets run in as many lanes as there are cores: each
# target still gets a core for its whole time, and the step takes 1/lanes as long.
mapfile -t targets < <(cargo fuzz list)
if [ ${#targets[@]} -eq 0 ]; then
    echo "FUZZ FAILURE: cargo fuzz list named no target" >&2
    exit 1
fi
lanes=$(nproc 2>/dev/null || echo 1)
pids=()
for ((lane = 0; lane < lanes; lane++)); do
    (
        for ((index = lane; index < ${#targets[@]}; index += lanes)); do
            run_target "${targets[$index]}" || exit 1
        done
    ) &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
echo "${#targets[@]} targets in $lanes lanes"
exit "$status"

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
for target in $(cargo fuzz list); do
    log="$(mktemp)"
    if ! cargo fuzz run --sanitizer none "$target" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "FUZZ FAILURE: target $target crashed or could not start (artifacts in fuzz/artifacts/$target/)" >&2
        exit 1
    fi
    # A run that did not start prints no `Done` line; say so rather than pass silently.
    if ! grep -q "^Done [0-9]* runs" "$log"; then
        tail -n 60 "$log"
        echo "FUZZ FAILURE: target $target did not report a finished run" >&2
        exit 1
    fi
    echo "$target: $(grep "^Done [0-9]* runs" "$log")"
    rm -f "$log"
done

#!/usr/bin/env bash
# Instructions per item for each client of the throughput benchmark, counted by callgrind.
#
# Wall-clock and even CPU-time ratios move from run to run on a small machine; instruction
# counts do not. This starts the benchmark's server (`throughput --serve`), runs each client's
# child process under `valgrind --tool=callgrind` and prints instructions per item (per stream
# event, per request), with the ratio to the hand-written client. Counting starts with the work:
# callgrind zeroes its counts on entering the benchmark's `Stopwatch::start`, after the runtime and
# the client are built (loading the TLS roots alone is about 19 million instructions, 8% of a
# hand-written stream of 20,000 events).
#
# Usage: tests/benches/instructions.sh [work ...] (work: stream-event stream-64k sequential
# concurrent; default: all). CLIENTS="raw hand-written specai" picks the clients. The callgrind
# profiles stay in target/instructions/ for `callgrind_annotate`.
#
# SIMULATE=1 adds callgrind's cache and branch simulation (this machine's L1 sizes) and four
# columns per item: L1 instruction misses, L1 data misses (reads and writes), and mispredicted
# conditional and indirect branches. They answer what instruction counts cannot: why a client
# with the same count per item takes more CPU time. This VM exposes no hardware counters
# (`perf stat` reports cycles as "not supported"), so the simulation is the only such view here;
# it models neither the op cache nor the real predictors, so read it as a direction, not a cost.
#
# I1=SIZE,ASSOCIATIVITY,LINE (with SIMULATE=1) simulates another first-level instruction cache,
# e.g. I1=65536,8,64: whether a client's misses come from its code outgrowing the cache (they
# vanish in a larger one) or from where its functions lie (they stay).
#
# HOT_CODE=1 adds a column: the code run for every item, in distinct 64-byte lines executed at
# least once per item (`hot_code.py`, from a profile with `--dump-instr=yes`). Unlike the
# simulated misses, which move with where the linker puts each function, it measures the client's
# code itself; against the 32 KiB first-level instruction cache it tells whether an item's code
# fits. `python3 tests/benches/hot_code.py PROFILE ITEMS 30` names the functions it is in.
set -euo pipefail
cd "$(dirname "$0")/../.."

works=("$@")
[ ${#works[@]} -gt 0 ] || works=(stream-event stream-64k sequential concurrent)
read -r -a clients <<<"${CLIENTS:-raw hand-written specai specai-full-stream specai-guarded specai-model async-openai}"
deltas=20000
requests=2000

binary=$(cargo bench --no-run --quiet -p specai-tests --bench throughput --message-format=json \
  | python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "throughput" and message.get("executable"):
        print(message["executable"])')
out=target/instructions
mkdir -p "$out"

"$binary" --serve >"$out/serve.txt" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do
  [ "$(wc -l <"$out/serve.txt")" -ge 2 ] && break
  sleep 0.1
done
per_event=$(sed -n 's/^per-event framing: *//p' "$out/serve.txt")
large=$(sed -n 's/^64 KiB framing: *//p' "$out/serve.txt")

simulation=()
header="| work | client | instructions per item | to hand-written |"
if [ -n "${SIMULATE:-}" ]; then
  simulation+=(--cache-sim=yes --branch-sim=yes ${I1:+--I1=$I1})
  header+=" L1i misses | L1d misses | mispredicted conditional | mispredicted indirect |"
fi
if [ -n "${HOT_CODE:-}" ]; then
  simulation+=(--dump-instr=yes)
  header+=" code run per item |"
fi
echo "$header"
echo "$header" | sed 's/[^|]\+/---/g'
for work in "${works[@]}"; do
  case "$work" in
    stream-64k) url=$large; items=$deltas ;;
    stream-event) url=$per_event; items=$deltas ;;
    sequential | concurrent) url=$per_event; items=$requests ;;
    *) echo "unknown work: $work" >&2; exit 2 ;;
  esac
  floor=
  for client in hand-written "${clients[@]}"; do
    # The hand-written floor is measured first, once.
    [ "$client" = hand-written ] && [ -n "$floor" ] && continue
    if [[ "$work" != stream-* && "$client" = specai-full-stream ]]; then continue; fi
    profile="$out/$client.$work.callgrind"
    valgrind --tool=callgrind "${simulation[@]}" --zero-before="throughput::Stopwatch::start" --callgrind-out-file="$profile" "$binary" --child "$client" "$work" "$url" "$deltas" >/dev/null 2>"$out/$client.$work.log"
    # Every client loads the TLS roots before its work: a profile that still has them counted the
    # setup, so `--zero-before` found no `Stopwatch::start` (renamed, or inlined).
    if grep -q "load_native_certs" "$profile"; then
      echo "instructions.sh: $profile counts the setup: callgrind never entered throughput::Stopwatch::start" >&2
      exit 1
    fi
    # The summary line holds one total per event named on the `events:` line, Ir first.
    read -r -a names <<<"$(sed -n 's/^events: *//p' "$profile")"
    read -r -a totals <<<"$(sed -n 's/^summary: *//p' "$profile")"
    per_item=$((totals[0] / items))
    [ -n "$floor" ] || floor=$per_item
    if [[ " ${clients[*]} " == *" $client "* ]]; then
      ratio=$(python3 -c "print(f'{$per_item / $floor:.3f}')")
      row="| $work | $client | $per_item | $ratio |"
      if [ -n "${SIMULATE:-}" ]; then
        declare -A event=()
        for index in "${!names[@]}"; do event[${names[$index]}]=${totals[$index]}; done
        row+=" $(python3 -c "print(' | '.join(f'{count / $items:.1f}' for count in (${event[I1mr]}, ${event[D1mr]} + ${event[D1mw]}, ${event[Bcm]}, ${event[Bim]})))") |"
      fi
      if [ -n "${HOT_CODE:-}" ]; then
        row+=" $(python3 tests/benches/hot_code.py "$profile" "$items") |"
      fi
      echo "$row"
    fi
  done
done

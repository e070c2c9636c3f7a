#!/usr/bin/env python3
"""The code a client runs for every item: distinct 64-byte lines of instructions executed at
least once per item on average, from a callgrind profile taken with `--dump-instr=yes`.

Usage: hot_code.py PROFILE ITEMS [FUNCTIONS]. Prints the count of such lines and their size in
KiB; with FUNCTIONS, also the functions that hold the most of them (a line shared by several
functions counts for each in part).

Why: two clients can run the same number of instructions per item and take different CPU time.
When the code run per item outgrows the first-level instruction cache (32 KiB here), each item
fetches part of it again from the second level; instruction counts do not show that.
"""
import collections
import re
import sys

LINE_BITS = 6


def parse(path):
    """Self cost per instruction address, and the function of each address."""
    header = open(path).read(4096)
    # `positions: instr line` puts a source line between the address and the costs.
    first_cost = 2 if re.search(r"^positions: instr line", header, re.M) else 1
    cost = collections.Counter()
    function_of = {}
    names = {}
    function = None
    last = 0
    skip_call_cost = False
    for line in open(path):
        if line.startswith(("fn=", "cfn=")):
            match = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.strip())
            if match and match.group(2):
                names[match.group(1)] = match.group(2)
            if line.startswith("fn="):
                function = names.get(match.group(1)) if match else line[3:].strip()
            continue
        if line.startswith("calls="):
            # The next cost line is the call's inclusive cost, not this function's own.
            skip_call_cost = True
            continue
        if not line or not (line[0].isdigit() or line[0] in "+-*"):
            continue
        tokens = line.split()
        address = position(tokens[0], last)
        last = address
        if skip_call_cost:
            skip_call_cost = False
            continue
        if len(tokens) > first_cost:
            cost[address] += int(tokens[first_cost])
            function_of[address] = function
    return cost, function_of


def position(token, last):
    if token.startswith("0x"):
        return int(token, 16)
    if token.startswith("+"):
        return last + int(token[1:], 0)
    if token.startswith("-"):
        return last - int(token[1:], 0)
    if token == "*":
        return last
    return int(token)


def main():
    path, items = sys.argv[1], int(sys.argv[2])
    shown = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if "positions: instr" not in open(path).read(4096):
        sys.exit(f"{path}: taken without --dump-instr=yes")
    cost, function_of = parse(path)
    lines = collections.defaultdict(set)
    for address, count in cost.items():
        if count >= items:
            lines[address >> LINE_BITS].add(function_of[address])
    print(f"{len(lines)} lines, {len(lines) * (1 << LINE_BITS) / 1024:.1f} KiB")
    if shown:
        by_function = collections.Counter()
        for functions in lines.values():
            for function in functions:
                by_function[function] += 1 / len(functions)
        for function, count in by_function.most_common(shown):
            print(f"{count:6.1f}  {function}")


if __name__ == "__main__":
    main()

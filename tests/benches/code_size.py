#!/usr/bin/env python3
"""Where a binary's code goes, from its symbol table (`nm -S`, so an unstripped binary).

Usage: code_size.py BINARY [BINARY ...]. For each binary prints its code size, the drop glue in
it (`core::ptr::drop_in_place<T>`: all copies, and the distinct types only), and the crates with
the most code, a function counted under the crate that defines it (or, for a trait impl, the
crate of the type it is for).

Why drop glue apart: in a release profile each codegen unit that drops a type gets its own copy
of the type's drop glue, so a type dropped in many places is in the binary many times. Two
binaries with the same distinct glue can differ by hundreds of kilobytes in all copies.
"""
import collections
import re
import subprocess
import sys

DROP = "core::ptr::drop_in_place<"


def symbols(binary):
    """(size, demangled name) of each function symbol."""
    listing = subprocess.run(["nm", "-S", "-C", binary], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        fields = line.split(" ", 3)
        if len(fields) == 4 and fields[2] in ("t", "T", "w", "W"):
            yield int(fields[1], 16), fields[3]


def crate_of(name):
    """The crate a function's code is counted under."""
    match = re.match(r"<*(?:&(?:mut )?)?(?:dyn )?\(?([A-Za-z_][A-Za-z0-9_]*)::", name)
    return match.group(1) if match else "(no crate path: C code such as aws-lc)"


def report(binary, crates=12):
    total = 0
    glue_all = 0
    glue_distinct = {}
    glue_functions = 0
    by_crate = collections.Counter()
    for size, name in symbols(binary):
        total += size
        if name.startswith(DROP):
            glue_all += size
            glue_functions += 1
            glue_distinct.setdefault(name, size)
        else:
            by_crate[crate_of(name)] += size
    print(f"{binary}")
    print(f"  code: {total:,} bytes")
    print(f"  drop glue: {glue_all:,} bytes in {glue_functions:,} functions; {sum(glue_distinct.values()):,} bytes distinct ({len(glue_distinct):,} types)")
    print("  code by crate (drop glue apart):")
    for crate, size in by_crate.most_common(crates):
        print(f"    {size:>10,}  {crate}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        report(path)

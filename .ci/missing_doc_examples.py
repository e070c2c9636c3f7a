#!/usr/bin/env python3
"""Lists the public items of `specai` and `specai-provider` whose doc comment has no ``` example.

Usage: .ci/missing_doc_examples.py [--all] [--count]

An item counts when it is declared `pub` (not `pub(crate)`) at module level or in an `impl` block,
outside `#[cfg(test)]` modules and test files, and is reachable: its module chain is `pub mod`
from the crate root, or its name is re-exported by a `pub use`. Entry points (what a user calls
first: free functions such as `generate_text` and `create_<provider>`, traits, the call builders,
providers and their settings, the registry, errors, retries, mocks, middleware, the MCP client,
the UI stream) are listed by default; `--all` adds the rest (plain data, methods). Items made by
macros are not seen (their docs are in the macro). Grep-based (rustdoc's JSON output is
nightly-only), so it reads the source as written.
"""
import os
import re
import sys

ROOTS = [("specai", "sdk/src"), ("specai-provider", "sdk/provider/src")]
ITEM = re.compile(r"^(\s*)pub (?:async )?(fn|struct|trait|enum|type) ([A-Za-z_][A-Za-z0-9_]*)")
# Type names that are entry points: what a user builds or calls, not what a call returns.
ENTRY_TYPE = re.compile(
    r"(Provider|Settings|Registry|Builder|Error|Policy|Middleware|Client|Server)$"
)
BUILDERS = {"Embed", "EmbedMany", "GenerateImage", "GenerateSpeech", "Transcribe", "Rerank", "GenerateText", "StreamText",
            "GenerateObject", "StreamObject", "Agent", "Output", "Tool", "TestServer", "RetryPolicy", "Timeouts",
            "CallSettings", "RequestSettings", "TelemetrySettings", "PollSettings", "ExtraRequest"}


def module_is_public(root, path):
    """Whether every module from the crate root down to `path` is declared `pub mod`."""
    relative = os.path.relpath(path, root)
    parts = relative[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    parent = os.path.join(root, "lib.rs")
    for index, name in enumerate(parts):
        text = open(parent).read() if os.path.exists(parent) else ""
        if not re.search(r"^\s*pub mod %s\b" % re.escape(name), text, re.M):
            return False
        directory = os.path.join(root, *parts[: index + 1])
        parent = os.path.join(directory, "mod.rs")
    return True


def reexported_names(root):
    names = set()
    for directory, _, files in os.walk(root):
        for file in files:
            if file.endswith(".rs"):
                text = open(os.path.join(directory, file)).read()
                for use in re.findall(r"pub use [^;]*;", text, re.S):
                    names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", use))
    return names


def items(root):
    exported = reexported_names(root)
    for directory, _, files in sorted(os.walk(root)):
        for file in sorted(files):
            path = os.path.join(directory, file)
            # fuzzing.rs re-exports internals for the fuzz targets: not an API.
            if not file.endswith(".rs") or file == "fuzzing.rs" or "test" in file.replace("test_util", "") or f"{os.sep}tests{os.sep}" in path:
                continue
            public_module = module_is_public(root, path)
            lines = open(path).read().split("\n")
            docs, in_test, test_depth, impl_depth = [], False, 0, None
            depth = 0
            for number, line in enumerate(lines, 1):
                stripped = line.strip()
                if stripped.startswith("#[cfg(test)]"):
                    in_test, test_depth = True, depth
                if stripped.startswith("///"):
                    docs.append(stripped)
                    continue
                match = ITEM.match(line)
                if match and not in_test:
                    indent, kind, name = match.groups()
                    in_impl = bool(indent)
                    reachable = public_module or name in exported or in_impl
                    if reachable and not line.lstrip().startswith("pub(crate)"):
                        yield path, number, kind, name, in_impl, any("```" in doc for doc in docs)
                if not stripped.startswith("#[") and not stripped.startswith("//"):
                    docs = []
                depth += line.count("{") - line.count("}")
                if in_test and depth <= test_depth and "}" in line:
                    in_test = False


def is_entry_point(path, kind, name, in_impl):
    if in_impl:
        return False
    if kind == "fn" or kind == "trait":
        return True
    return name in BUILDERS or bool(ENTRY_TYPE.search(name))


def main():
    everything = "--all" in sys.argv
    count_only = "--count" in sys.argv
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    missing, total = [], 0
    for crate, root in ROOTS:
        for path, number, kind, name, in_impl, has_example in items(root):
            if not everything and not is_entry_point(path, kind, name, in_impl):
                continue
            total += 1
            if not has_example:
                missing.append(f"{path}:{number}: {kind} {name}")
    if not count_only:
        print("\n".join(missing))
    print(f"{len(missing)} of {total} {'public items' if everything else 'entry points'} have no example", file=sys.stderr)


main()

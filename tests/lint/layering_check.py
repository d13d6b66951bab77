#!/usr/bin/env python3
"""Proves that each component includes only headers of the components it depends on.

Every component is a CMake target (afbench_<name>, libafbench's parts and afbench_cli). Its sources
and its dependencies come from CMake's file API (the codemodel that configuring the build wrote
under BUILD_DIR/.cmake/api/v1/reply), so the check reads the build as CMake sees it, not a copy.

A public header include/afbench/X.h belongs to the component with a source file that includes it
first (the implementation file includes its own header first), or, for a header with no
implementation file, to the component named in HEADER_ONLY below. A component's source (or private header beside it) may include:
  - its own headers, public or private;
  - the public headers of the components it depends on, directly or transitively;
never a private header of another component ("../store/sqlite.h"). Anything else is a violation:
`layering: FILE:LINE: <component> includes <header> of <owner>, which it does not depend on`, exit 1.

Usage: layering_check.py SOURCE_DIR BUILD_DIR | --self-test
"""
import json
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
# Public headers with no .cpp of their own: the component that defines what they declare.
HEADER_ONLY = {
    "result.h": "afbench_core",
    "backend.h": "afbench_core",
    "classifier.h": "afbench_core",
    "judges.h": "afbench_classify",
}


def load_codemodel(build: pathlib.Path):
    """{target name: {"sources": [paths relative to the source dir], "deps": {names}}}."""
    reply = build / ".cmake/api/v1/reply"
    indexes = sorted(reply.glob("index-*.json"))
    if not indexes:
        raise SystemExit(f"layering: no CMake file-API reply in {reply}: reconfigure the build")
    index = json.loads(indexes[-1].read_text())
    codemodel_file = index["reply"]["codemodel-v2"]["jsonFile"]
    codemodel = json.loads((reply / codemodel_file).read_text())
    targets = codemodel["configurations"][0]["targets"]
    by_id, model = {}, {}
    for entry in targets:
        target = json.loads((reply / entry["jsonFile"]).read_text())
        by_id[entry["id"]] = target["name"]
        model[target["name"]] = target
    return {
        name: {
            "sources": [s["path"] for s in target.get("sources", [])],
            "deps": {by_id[d["id"]] for d in target.get("dependencies", []) if d["id"] in by_id},
        }
        for name, target in model.items()
    }


def components(model):
    """The afbench libraries: what src/ is built into."""
    return {name: info for name, info in model.items()
            if name.startswith("afbench_") and name not in ("afbench_warnings", "afbench_llama_deps")
            and not name.endswith(("_test", "_fixture"))
            and any(s.startswith("src/") for s in info["sources"])}


def closure(name, model, seen=None):
    seen = set() if seen is None else seen
    for dep in model.get(name, {}).get("deps", ()):
        if dep not in seen:
            seen.add(dep)
            closure(dep, model, seen)
    return seen


def includes(path: pathlib.Path):
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        match = INCLUDE.match(line)
        if match:
            yield number, match.group(1)


def header_owners(root: pathlib.Path, comps, model):
    """{public header name: owning component}. The component with X.cpp including afbench/X.h
    first owns X.h; otherwise a component with a .cpp that includes it first (an implementation
    file includes its own header first), the lowest in the stack when several do."""
    same_stem, first_of = {}, {}
    for name, info in comps.items():
        for source in info["sources"]:
            path = root / source
            if path.suffix != ".cpp" or not path.exists():
                continue
            first = next(includes(path), None)
            if not first or not first[1].startswith("afbench/"):
                continue
            header = first[1][len("afbench/"):]
            if header == f"{path.stem}.h":
                same_stem[header] = name
            first_of.setdefault(header, set()).add(name)
    owners = dict(HEADER_ONLY)
    for header, names in first_of.items():
        lowest = min(sorted(names), key=lambda n: len(closure(n, model)))
        owners.setdefault(header, same_stem.get(header, lowest))
    return owners


def files_of(root: pathlib.Path, info):
    """The component's sources and the private headers in their folders."""
    files = {root / s for s in info["sources"] if (root / s).exists()}
    for folder in {f.parent for f in files}:
        files.update(folder.glob("*.h"))
    return sorted(f for f in files if not f.name.endswith("_test.cpp"))


def violations(root: pathlib.Path, model):
    comps = components(model)
    owners = header_owners(root, comps, model)
    folders = {name: {(root / s).parent for s in info["sources"] if s.startswith("src/")}
               for name, info in comps.items()}
    for name, info in sorted(comps.items()):
        allowed = closure(name, model) | {name}
        for path in files_of(root, info):
            relative = path.relative_to(root).as_posix()
            for number, header in includes(path):
                where = f"layering: {relative}:{number}: {name} includes {header}"
                if header.startswith("afbench/"):
                    owner = owners.get(header[len("afbench/"):])
                    if owner is None:
                        yield f"{where}, which no component owns (add it to HEADER_ONLY)"
                    elif owner not in allowed:
                        yield f"{where} of {owner}, which it does not depend on"
                    continue
                target = (path.parent / header).resolve()
                if not target.exists() or not str(target).startswith(str(root / "src")):
                    continue  # a system or third-party header, or one of tests/
                if target.parent in folders[name]:
                    continue
                owner = next((other for other, dirs in folders.items() if target.parent in dirs), None)
                if owner is not None:
                    yield f"{where}, a private header of {owner}"


def self_test() -> int:
    """A planted violation is found; the same tree with the dependency added is clean."""
    import tempfile
    with tempfile.TemporaryDirectory() as temp:
        root = pathlib.Path(temp)
        for rel, text in {
            "include/afbench/low.h": "#pragma once\n",
            "include/afbench/high.h": "#pragma once\n",
            "src/low/low.cpp": '#include "afbench/low.h"\n',
            "src/low/secret.h": "#pragma once\n",
            "src/high/high.cpp": '#include "afbench/high.h"\n#include "afbench/low.h"\n',
            "src/high/peek.cpp": '#include "../low/secret.h"\n',
        }.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        model = {"afbench_low": {"sources": ["src/low/low.cpp"], "deps": set()},
                 "afbench_high": {"sources": ["src/high/high.cpp", "src/high/peek.cpp"],
                                  "deps": set()}}
        found = list(violations(root, model))
        expected = ["high.cpp:2: afbench_high includes afbench/low.h of afbench_low",
                    "peek.cpp:1: afbench_high includes ../low/secret.h, a private header"]
        missing = [e for e in expected if not any(e in f for f in found)]
        if missing or len(found) != 2:
            print("self-test: expected", expected, "found", found)
            return 1
        model["afbench_high"]["deps"] = {"afbench_low"}
        found = list(violations(root, model))
        if len(found) != 1 or "secret.h" not in found[0]:
            print("self-test: with the dependency only the private include should remain:", found)
            return 1
    print("layering self-test: ok")
    return 0


def main(argv) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 3:
        print(__doc__)
        return 2
    root = pathlib.Path(argv[1]).resolve()
    model = load_codemodel(pathlib.Path(argv[2]))
    found = list(violations(root, model))
    for line in found:
        print(line)
    if not components(model):
        print("layering: no components found in the codemodel")
        return 1
    print(f"layering: {len(components(model))} components, {len(found)} violations")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

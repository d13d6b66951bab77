#!/usr/bin/env python3
"""Proves that no model call in src/ bypasses the model client (docs/ARCHITECTURE.md).

A Backend makes one attempt; everything around it (retries, the RequestGate, the per-call store, the
circuit breaker) lives in the ModelClient. So `Backend::Generate` may be called only inside
src/client/ (the client itself); backends define it (src/backend/), and tests may call it. Any other
call, in any .cpp or .h under src/, is a violation: `model-calls: FILE:LINE: ...`, exit 1.

Usage: model_calls_check.py SOURCE_ROOT | --self-test
"""
import pathlib
import re
import sys
import tempfile

# A call `receiver->Generate(` or `receiver.Generate(`; definitions (`Type::Generate(`) and
# declarations do not match.
CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:->|\.)\s*Generate\s*\(")
ALLOWED_DIRS = ("src/client/", "src/backend/")
# Receivers whose Generate is not a Backend's: the ModelClient, and the Runner's TurnSource (which
# calls the client).
ALLOWED_RECEIVERS = {"client", "client_", "source"}


def violations(root: pathlib.Path):
    for path in sorted((root / "src").rglob("*")):
        if path.suffix not in (".cpp", ".h") or path.name.endswith("_test.cpp"):
            continue
        relative = path.relative_to(root).as_posix()
        if relative.startswith(ALLOWED_DIRS):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            code = line.split("//", 1)[0]
            for match in CALL.finditer(code):
                if match.group(1) not in ALLOWED_RECEIVERS:
                    yield (f"model-calls: {relative}:{number}: calls Backend::Generate outside "
                           f"src/client/ (through '{match.group(1)}')")


def self_test() -> int:
    """The check must fail on a planted violation and pass the same tree without it."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "src/judge").mkdir(parents=True)
        (root / "src/client").mkdir(parents=True)
        (root / "src/client/c.cpp").write_text("auto r = backend_.Generate(c, q);\n")
        planted = root / "src/judge/j.cpp"
        planted.write_text("auto r = client.Generate(c, q);\nauto s = backend->Generate(c, q);\n")
        found = list(violations(root))
        if len(found) != 1 or "src/judge/j.cpp:2" not in found[0]:
            print(f"model-calls: self-test: expected one violation at j.cpp:2, got {found}")
            return 1
        planted.write_text("auto r = client.Generate(c, q);\n")
        if list(violations(root)):
            print("model-calls: self-test: a call through the client was flagged")
            return 1
    print("model-calls: self-test passed")
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    if not (root / "src").is_dir():
        print(f"model-calls: {root}: no src/ folder", file=sys.stderr)
        return 2
    found = list(violations(root))
    for line in found:
        print(line)
    print(f"model-calls: {len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

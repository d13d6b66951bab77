#!/usr/bin/env python3
"""Proves that llama.cpp is set up, logged, loaded, tokenized, rendered and written in one place.

src/llamacpp/ is the one boundary to llama.cpp (include/afbench/llamacpp.h, gguf_writer.h): it
installs the one log handler, so a second `llama_log_set` elsewhere would silently replace it (the
bug this check exists for). The calls below may appear only there; any other call in a .cpp or .h
under src/ or tests/tools/ (tests excepted) is a violation: `llama-boundary: FILE:LINE: ...`, exit 1.

Usage: llama_boundary_check.py SOURCE_ROOT | --self-test
"""
import pathlib
import re
import sys
import tempfile

BOUNDARY_ONLY = ("llama_log_set", "llama_backend_init", "llama_model_load_from_file",
                 "llama_tokenize", "llama_chat_apply_template", "gguf_write_to_file")
CALL = re.compile(r"\b(" + "|".join(BOUNDARY_ONLY) + r")\s*\(")
BOUNDARY = "src/llamacpp/"
SCANNED = ("src", "tests/tools")


def violations(root: pathlib.Path):
    for top in SCANNED:
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".cpp", ".h") or path.name.endswith("_test.cpp"):
                continue
            relative = path.relative_to(root).as_posix()
            if relative.startswith(BOUNDARY):
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                for match in CALL.finditer(line.split("//", 1)[0]):
                    yield (f"llama-boundary: {relative}:{number}: calls {match.group(1)} outside "
                           f"{BOUNDARY} (use afbench/llamacpp.h or afbench/gguf_writer.h)")


def self_test() -> int:
    """A planted call is found; the boundary's own calls and comments are not."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for rel, text in {
            "src/llamacpp/llamacpp.cpp": "llama_log_set(&Keep, nullptr);\n",
            "src/train/t.cpp": "// llama_tokenize( is wrapped\nllama_log_set(Drop, nullptr);\n",
            "tests/tools/w.cpp": "gguf_write_to_file(out, p, false);\n",
        }.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        found = list(violations(root))
        if len(found) != 2 or "t.cpp:2" not in found[0] or "w.cpp:1" not in found[1]:
            print(f"llama-boundary: self-test: expected t.cpp:2 and w.cpp:1, got {found}")
            return 1
    print("llama-boundary: self-test passed")
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    if not (root / BOUNDARY).is_dir():
        print(f"llama-boundary: {root}: no {BOUNDARY} folder", file=sys.stderr)
        return 2
    found = list(violations(root))
    for line in found:
        print(line)
    print(f"llama-boundary: {len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

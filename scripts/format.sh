#!/usr/bin/env bash
# Formats every tracked C++ file with clang-format (.clang-format); --check only reports files that
# differ and fails (the format stage of scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--check" ]; then
  if ! clang-format --dry-run --Werror "${files[@]}" 2>/dev/null; then
    clang-format --dry-run "${files[@]}" 2>&1 | grep -o '^[^:]*:[0-9]*' | sort -u | head -20
    echo "format: files differ from .clang-format: run scripts/format.sh" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files clean"
else
  clang-format -i "${files[@]}"
fi

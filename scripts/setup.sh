#!/usr/bin/env bash
# Installs everything afbench needs on a fresh Debian 12 machine. Idempotent: packages already present are
# skipped, so a second run costs a few seconds.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev libfmt-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev
  sqlite3 python3 curl openssl
  clang libclang-rt-14-dev   # libFuzzer targets (scripts/fuzz.sh)
  clang-format               # the format stage of scripts/test.sh
  clang-tidy                 # the tidy stage of scripts/test.sh (scripts/tidy.sh, .clang-tidy)
)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all apt packages present"
fi

# npm fetches the pinned llama.cpp source (scripts/llama.sh). Machines that already have Node.js keep theirs.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing npm"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm
fi

bash "$(dirname "$0")/browser_setup.sh"
bash "$(dirname "$0")/llama.sh"

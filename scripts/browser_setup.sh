#!/usr/bin/env bash
# Installs what the browser tests of `afbench report` need (tests/browser, ctest label "browser"): Debian's
# headless-capable Chromium and a font for the screenshots. The tests drive Chromium over the DevTools protocol
# on a pipe, so nothing from npm is needed. Idempotent: a second run only checks. Without Chromium the browser
# tests skip with a message instead of failing.
set -euo pipefail

packages=(chromium fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "browser_setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "browser_setup: chromium present ($(command -v chromium))"
fi

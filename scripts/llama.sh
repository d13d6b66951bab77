#!/usr/bin/env bash
# Fetches llama.cpp's source for afbench's local engine and the llama-server tests (docs/llama.md).
#
# llama.cpp is not packaged in Debian 12. The npm package node-llama-cpp ships the complete llama.cpp source as a
# git bundle, so one pinned npm version gives us one pinned llama.cpp commit from a registry that this machine can
# reach. Steps, each skipped when already done (a second run costs a second):
#   1. npm pack node-llama-cpp@VERSION into third_party/npm/ (git ignores third_party/), after checking that
#      the integrity npm publishes (`npm view ... dist.integrity`) equals the one pinned below;
#   2. check the tarball's sha512 against the pinned integrity;
#   3. clone package/llama/gitRelease.bundle into third_party/llama.cpp at the pinned commit;
#   4. apply scripts/patches/llama/*.patch (git apply, skipped when already applied).
# Only step 1 uses the network, and only when no verified tarball is present. Nothing is built here: CMake
# builds llama.cpp with afbench (cmake/llama.cmake). To start over: rm -rf third_party/npm third_party/llama.cpp
#
# Usage: scripts/llama.sh
set -Eeuo pipefail

readonly kPackage="node-llama-cpp"
readonly kVersion="3.21.1"
# `npm view node-llama-cpp@3.21.1 dist.integrity`, recorded when the pin was chosen. A registry that later
# answers differently is an error, not a new pin.
readonly kIntegrity="sha512-E3N0Ev2Va0wzydvXYFwM9Hvyo07PoWjt8T/9GMc43Cvt8YkV/NU/tYUgEMC1grTPv2o9PRjQi0G3Wb5P/awiMg=="
# The llama.cpp commit inside that package's bundle (`git bundle list-heads`).
readonly kCommit="80fb11ac73e66d89eae2c6a91d8a77428fa733ed"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly root
readonly third_party="${root}/third_party"
readonly npm_dir="${third_party}/npm"
readonly tarball="${npm_dir}/${kPackage}-${kVersion}.tgz"
readonly bundle_dir="${npm_dir}/${kPackage}-${kVersion}"
readonly bundle="${bundle_dir}/package/llama/gitRelease.bundle"
readonly source_dir="${third_party}/llama.cpp"
readonly patch_dir="${root}/scripts/patches/llama"

for arg in "$@"; do
  case "${arg}" in
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "llama.sh: unknown argument: ${arg}" >&2; exit 2 ;;
  esac
done

step="start"
trap 'echo "llama.sh: FAILED at step: ${step}" >&2' ERR

say() { echo "llama.sh: $*"; }
fail() { echo "llama.sh: FAILED at step: ${step}: $*" >&2; trap - ERR; exit 1; }

# SRI form of a file's sha512 ("sha512-<base64>"), as npm writes dist.integrity.
integrity_of() { echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

check_published_integrity() {
  step="ask npm for the published integrity"
  command -v npm >/dev/null || fail "npm not found (Debian: apt-get install npm)"
  local published
  published="$(npm view "${kPackage}@${kVersion}" dist.integrity)" || fail "npm view failed"
  [ "${published}" = "${kIntegrity}" ] ||
    fail "npm publishes ${published} for ${kPackage}@${kVersion}, pinned ${kIntegrity}"
}

fetch_tarball() {
  step="fetch ${kPackage}@${kVersion}"
  mkdir -p "${npm_dir}"
  if [ -f "${tarball}" ] && [ "$(integrity_of "${tarball}")" = "${kIntegrity}" ]; then
    say "tarball present and verified: ${tarball#"${root}"/}"
    return
  fi
  check_published_integrity
  step="fetch ${kPackage}@${kVersion}"
  rm -f "${tarball}"
  say "npm pack ${kPackage}@${kVersion} (about 30 MB)"
  (cd "${npm_dir}" && npm pack --silent "${kPackage}@${kVersion}" >/dev/null) || fail "npm pack failed"
  [ -f "${tarball}" ] || fail "npm pack did not write ${tarball}"
  step="verify the tarball's sha512"
  local actual
  actual="$(integrity_of "${tarball}")"
  if [ "${actual}" != "${kIntegrity}" ]; then
    mv "${tarball}" "${tarball}.rejected"
    fail "sha512 mismatch: got ${actual}, want ${kIntegrity} (kept as ${tarball}.rejected)"
  fi
  say "tarball verified: ${kIntegrity}"
}

extract_bundle() {
  step="extract the git bundle"
  if [ -f "${bundle}" ]; then
    return
  fi
  rm -rf "${bundle_dir}"
  mkdir -p "${bundle_dir}"
  tar -xzf "${tarball}" -C "${bundle_dir}" package/llama/gitRelease.bundle ||
    fail "package/llama/gitRelease.bundle not in ${tarball}"
  touch "${bundle}"
}

at_pinned_commit() {
  [ -d "${source_dir}/.git" ] &&
    [ "$(git -C "${source_dir}" rev-parse HEAD 2>/dev/null)" = "${kCommit}" ]
}

clone_source() {
  step="clone llama.cpp at ${kCommit:0:12}"
  if at_pinned_commit; then
    say "llama.cpp already at ${kCommit:0:12}: ${source_dir#"${root}"/}"
    return
  fi
  extract_bundle
  step="check the bundle holds ${kCommit:0:12}"
  git bundle list-heads "${bundle}" | grep -q "^${kCommit} " ||
    fail "the bundle's heads do not include ${kCommit}: $(git bundle list-heads "${bundle}" | tr '\n' ' ')"
  step="clone llama.cpp at ${kCommit:0:12}"
  rm -rf "${source_dir}"
  say "cloning the bundle into ${source_dir#"${root}"/}"
  git clone --quiet --no-checkout "${bundle}" "${source_dir}" || fail "git clone of the bundle failed"
  git -C "${source_dir}" -c advice.detachedHead=false checkout --quiet "${kCommit}" ||
    fail "git checkout ${kCommit} failed"
  at_pinned_commit || fail "HEAD is not ${kCommit} after checkout"
}

apply_patches() {
  step="apply patches"
  shopt -s nullglob
  local patches=("${patch_dir}"/*.patch)
  shopt -u nullglob
  if [ ${#patches[@]} -eq 0 ]; then
    say "no patches in ${patch_dir#"${root}"/}"
    return
  fi
  local patch
  for patch in "${patches[@]}"; do
    step="apply $(basename "${patch}")"
    if git -C "${source_dir}" apply --check --reverse "${patch}" 2>/dev/null; then
      say "already applied: $(basename "${patch}")"
    else
      git -C "${source_dir}" apply "${patch}" || fail "git apply failed (see above)"
      say "applied: $(basename "${patch}")"
    fi
  done
}

for tool in git openssl tar base64; do
  step="look for ${tool}"
  command -v "${tool}" >/dev/null || fail "${tool} not found"
done
fetch_tarball
clone_source
apply_patches
trap - ERR
say "ready: ${source_dir#"${root}"/} at ${kCommit:0:12}; configure afbench with CMake to build it"

// Hashing helpers: SHA-256 for content identity (prompt hashes, dataset hashes recorded with every
// Run) and SplitMix64 for deriving reproducible per-Sample seeds from a Run's seed. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace afbench {

/// Lower-case hex SHA-256 of `data` (FIPS 180-4).
std::string Sha256Hex(std::string_view data);

/// One step of SplitMix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit function of `x`.
uint64_t SplitMix64(uint64_t x);

/// Mixes several values into one seed; order matters.
uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0);

}  // namespace afbench

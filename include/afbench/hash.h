// Hashing helpers: SHA-256 for content identity (prompt hashes, dataset hashes recorded with every
// Run) and SplitMix64 for deriving reproducible per-Sample seeds from a Run's seed. Pure functions,
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench {

/// Lower-case hex SHA-256 of `data` (FIPS 180-4).
std::string Sha256Hex(std::string_view data);

/// SHA-256 fed in pieces: Update any number of times, then Hex (which leaves the hash usable).
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::string Hex() const;

 private:
  std::array<uint32_t, 8> state_;
  std::string pending_;  ///< Bytes of a block not yet compressed (< 64).
  uint64_t length_ = 0;  ///< Bytes fed so far.
};

/// Lower-case hex SHA-256 of a file's bytes, read 1 MiB at a time (a GGUF of many GB hashes in
/// constant memory). kIo naming the path when it cannot be read.
Result<std::string> Sha256FileHex(const std::string& path);

/// One step of SplitMix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit function of `x`.
uint64_t SplitMix64(uint64_t x);

/// Mixes several values into one seed; order matters.
uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0);

}  // namespace afbench

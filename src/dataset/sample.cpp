#include "sample.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "afbench/hash.h"

namespace afbench::dataset {
namespace {

// Separates the sampling stream from other streams derived from the same Run seed ("dataset" in
// ASCII).
constexpr uint64_t kSamplingDomain = 0x0064617461736574ULL;
// The SplitMix64 increment (Steele, Lea, Flood 2014); SplitMix64(x) adds it before mixing.
constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// The SplitMix64 generator: state advances by the golden gamma, each output is the mix of the
// state.
class SplitMixStream {
 public:
  explicit SplitMixStream(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    const uint64_t out = SplitMix64(state_);
    state_ += kGoldenGamma;
    return out;
  }

  /// A uniform draw from [0, range), range > 0. Rejecting the lowest (2^64 mod range) outputs
  /// removes the modulo bias, so every value is exactly equally likely.
  uint64_t Below(uint64_t range) {
    const uint64_t threshold = (0 - range) % range;
    while (true) {
      const uint64_t r = Next();
      if (r >= threshold) return r % range;
    }
  }

 private:
  uint64_t state_;
};

}  // namespace

std::vector<size_t> SampleIndices(size_t n, size_t k, uint64_t seed) {
  std::vector<size_t> positions(n);
  std::iota(positions.begin(), positions.end(), size_t{0});
  if (k >= n) return positions;
  // Partial Fisher-Yates (Durstenfeld 1964): after step i, positions[0..i] is a uniform random
  // i+1-subset.
  SplitMixStream stream(MixSeed(seed, kSamplingDomain));
  for (size_t i = 0; i < k; ++i) {
    const size_t j = i + static_cast<size_t>(stream.Below(static_cast<uint64_t>(n - i)));
    std::swap(positions[i], positions[j]);
  }
  positions.resize(k);
  std::sort(positions.begin(), positions.end());
  return positions;
}

}  // namespace afbench::dataset

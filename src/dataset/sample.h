// Reproducible sampling without replacement. Private to the dataset component.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace afbench::dataset {

/// The positions of a uniformly random `k`-subset of [0, n), in increasing order (all of them when
/// k >= n). Depends only on (n, k, seed): the generator is SplitMix64 and the bounded draws use
/// rejection, never a standard-library distribution (whose output differs between library
/// implementations).
std::vector<size_t> SampleIndices(size_t n, size_t k, uint64_t seed);

}  // namespace afbench::dataset

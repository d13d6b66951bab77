// A bounded parallel loop over independent items (labelling Samples, scoring examples).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

namespace afbench {

/// Runs work(i) for i in [0, count) on min(count, workers) threads and returns when all are done;
/// stops handing out items once `stop` is set (items already begun finish).
void ParallelFor(size_t count, int workers, const std::atomic<bool>& stop,
                 const std::function<void(size_t)>& work);

}  // namespace afbench

#include "afbench/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace afbench {

void ParallelFor(size_t count, int workers, const std::atomic<bool>& stop,
                 const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  const size_t thread_count = std::min<size_t>(count, static_cast<size_t>(std::max(1, workers)));
  for (size_t t = 0; t < thread_count; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < count && !stop.load(); i = next++) work(i);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace afbench

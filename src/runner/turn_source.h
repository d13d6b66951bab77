// TurnSource: where the Protocol's turns come from inside the Runner. It replays a Turn already in
// the Store, or asks the Backend (with retries and backoff) and commits the answer before returning
// it. One TurnSource serves one Sample on one worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <random>
#include <string>

#include "afbench/backend.h"
#include "afbench/runner.h"
#include "afbench/store.h"

namespace afbench {

/// Counters a TurnSource adds to as it works; shared by the workers of a Run.
struct TurnCounters {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> cached_turns{0};
  std::atomic<int64_t> input_tokens{0};
  std::atomic<int64_t> output_tokens{0};
  std::atomic<int64_t> cache_read_tokens{0};
  std::atomic<int64_t> cache_write_tokens{0};
};

struct TurnSourceContext {
  Store* store = nullptr;
  Backend* backend = nullptr;
  const RunnerOptions* options = nullptr;
  TurnCounters* counters = nullptr;
  RequestGate* gate = nullptr;
  std::string run_id;
};

class TurnSource {
 public:
  TurnSource(const TurnSourceContext& context, const SampleKey& key);

  /// The Protocol's GenerateFn.
  Result<Generation> Generate(const Conversation& conversation, int turn_index,
                              const std::string& prefill);
  /// Requests sent for a turn that never succeeded (stored with the Sample).
  int64_t failed_attempts() const { return failed_attempts_; }

 private:
  Result<Generation> RequestWithRetries(const Conversation& conversation, int turn_index,
                                        const std::string& prefill, int64_t& attempts);
  /// Sleeps in small steps so that cancellation is noticed; false when cancelled.
  bool SleepUnlessCancelled(int64_t delay_ms) const;
  bool Cancelled() const;

  TurnSourceContext context_;
  SampleKey key_;
  std::mt19937_64 jitter_;
  int64_t failed_attempts_ = 0;
};

}  // namespace afbench

// TurnSource: where the Protocol's turns come from inside the Runner. Each turn is one call of the
// ModelClient with the Turn's row in the Store as its CallSlot: a stored Turn is replayed, a new
// one is committed before the Protocol sees it. One TurnSource serves one Sample on one worker
// thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "afbench/model_client.h"
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
  ModelClient* client = nullptr;
  const RunnerOptions* options = nullptr;
  TurnCounters* counters = nullptr;
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
  void Count(const Generation& generation, const CallStats& stats);

  TurnSourceContext context_;
  SampleKey key_;
  int64_t failed_attempts_ = 0;
};

}  // namespace afbench

// Runner: executes the Samples of a Run through a ModelClient and stores every result.
//
// The Runner owns the Run's worker threads (--max-connections), the turn cache that makes resuming
// free (each Turn is a CallSlot of the client: a Turn already in the Store is replayed, never
// requested again), classification of each finished Sample, and progress reporting; the client
// owns retries, the RequestGate and the circuit breaker. What the model does is data in the
// Transcript; a turn that keeps failing after its retries gives the Sample the `error` outcome, the
// Run goes on, and a later resume sends that Sample again (error outcomes are the machinery's, not
// the model's). Authentication failures, an open breaker and cancellation stop the Run without
// storing the affected Samples, so a later resume does them.
//
// The Runner borrows the Store, ModelClient and Classifiers; they must outlive ExecuteRun(), and
// must be thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "afbench/classifier.h"
#include "afbench/model_client.h"
#include "afbench/protocol.h"
#include "afbench/result.h"
#include "afbench/store.h"
#include "afbench/types.h"

namespace afbench {

/// One Sample of the plan: its key, its query and the rendered user turn.
struct PlannedSample {
  SampleKey key;
  std::string query;
  std::string user_turn;
};

/// A snapshot of a Run's progress, passed to RunnerOptions::on_progress.
struct Progress {
  int64_t total = 0;    ///< Samples in the plan.
  int64_t done = 0;     ///< Samples completed, including those completed by earlier invocations.
  int64_t resumed = 0;  ///< Samples that were already complete when this invocation started.
  std::map<Outcome, int64_t> outcomes;  ///< Outcomes of the Samples completed in this invocation.
  Usage usage;                          ///< Tokens of the requests sent in this invocation.
  int64_t requests = 0;                 ///< Requests sent in this invocation, retries included.
  int64_t cached_turns = 0;             ///< Turns replayed from the Store instead of requested.
  int concurrency_limit = 0;  ///< The adaptive limit on requests in flight (see RequestGate).
};

struct RunnerOptions {
  int max_connections = 8;  ///< Worker threads (the client's gate caps requests in flight).
  ProtocolOptions protocol;
  SamplingParams
      sampling;  ///< The seed is the Run's; each Sample gets MixSeed(seed, query, epoch).
  std::vector<Classifier*> classifiers;       ///< Applied to each Sample as it completes.
  const std::atomic<bool>* cancel = nullptr;  ///< Set by the caller (e.g. on SIGINT) to stop early.
  /// Called after each Sample completes, from a worker thread, serialised by the Runner.
  std::function<void(const Progress&)> on_progress;
};

/// Runs the Samples of `plan` not yet completed in the Store (a stored `error` outcome counts as
/// not completed: it is sent again). Returns the final Progress, whose `outcomes` may include
/// `error`; an error when the Run was cancelled (kCancelled), the credentials were rejected
/// (kAuth), the client stopped sending (kUnavailable, with the reason), or the Store failed.
Result<Progress> ExecuteRun(Store& store, ModelClient& client, const std::string& run_id,
                            const std::string& system_prompt,
                            const std::vector<PlannedSample>& plan, const RunnerOptions& options);

/// The seed sent with every request of a Sample: the same in both tiers, so that the tiers are
/// paired.
uint64_t SampleSeed(uint64_t run_seed, const SampleKey& key);

/// "stop", "length" or "other:<raw>" — how a Turn stores its finish reason.
std::string FinishReasonText(const Generation& generation);
/// Inverse of FinishReasonText, for Turns replayed from the Store.
FinishReason ParseFinishReasonText(const std::string& text);

}  // namespace afbench

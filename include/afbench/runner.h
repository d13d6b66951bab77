// Runner: executes the Samples of a Run against a Backend and stores every result.
//
// The Runner owns what a Backend must not: concurrency (--max-connections worker threads), retries
// with exponential backoff and jitter that honour Retry-After, the turn cache that makes resuming
// free (a Turn already in the Store is replayed, never requested again), classification of each
// finished Sample, and progress reporting. What the model does is data in the Transcript; a Backend
// that keeps failing after retries gives the Sample the `error` outcome and the Run goes on.
// Authentication failures and cancellation stop the Run without storing the affected Samples, so a
// later resume does them.
//
// The Runner borrows the Store, Backend and Classifiers; they must outlive Execute(), and must be
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "afbench/backend.h"
#include "afbench/classifier.h"
#include "afbench/protocol.h"
#include "afbench/request_gate.h"
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

/// How hard the Runner tries before a turn becomes an `error` outcome.
struct RetryPolicy {
  int max_attempts = 6;          ///< Requests per turn, the first included.
  int64_t base_delay_ms = 1000;  ///< First backoff; doubles each retry.
  int64_t max_delay_ms = 60000;  ///< Cap of one backoff (a longer Retry-After is still honoured).
  int64_t max_total_delay_ms = 600000;  ///< Give up when the backoffs of one turn add up to this.
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
  int max_connections = 8;  ///< Worker threads, and the starting limit of requests in flight.
  int64_t requests_per_minute = 0;  ///< 0 = unlimited.
  int64_t tokens_per_minute = 0;    ///< 0 = unlimited.
  /// Shares one provider's limits between Runs (experiment grids); when null, ExecuteRun makes its
  /// own gate from the three fields above.
  std::shared_ptr<RequestGate> gate;
  RetryPolicy retry;
  ProtocolOptions protocol;
  SamplingParams
      sampling;  ///< The seed is the Run's; each Sample gets MixSeed(seed, query, epoch).
  std::vector<Classifier*> classifiers;       ///< Applied to each Sample as it completes.
  const std::atomic<bool>* cancel = nullptr;  ///< Set by the caller (e.g. on SIGINT) to stop early.
  /// Called after each Sample completes, from a worker thread, serialised by the Runner.
  std::function<void(const Progress&)> on_progress;
};

/// Runs the Samples of `plan` not yet completed in the Store. Returns the final Progress; an error
/// when the Run was cancelled (kCancelled), the Backend rejected the credentials (kAuth), or the
/// Store failed.
Result<Progress> ExecuteRun(Store& store, Backend& backend, const std::string& run_id,
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

// ModelClient: the one way afbench calls a model.
//
// A Backend makes one attempt (backend.h); a ModelClient wraps one Backend and owns everything
// around that attempt, for every caller alike (a Sample's Turns, every judge and each of its votes,
// validation with a judge, and what comes later: document generators, reward judges, policies):
// - the per-call store: a call given a CallSlot is first looked up there and replayed when found;
//   a new reply is committed to the slot before the caller sees it, so no reply is paid twice;
// - retries with exponential backoff and jitter that honour Retry-After (backoff.h);
// - the RequestGate: requests in flight (AIMD on rate limits) and per-minute request and token
//   budgets; one gate may be shared by the clients of several Runs against one provider;
// - a circuit breaker: a failure that every later request would hit too (rejected credentials,
//   an unknown model, an exhausted quota, a prompt longer than the context), a Retry-After beyond
//   the policy's cap, or several calls in a row that failed after all their retries open it; from
//   then on every call fails at once with ErrorKind::kUnavailable and the reason, so that a Run
//   stops starting Samples instead of storing failures as results;
// - usage accounting (requests, replays, tokens) and cancellation.
//
// Ownership: the client borrows its Backend, which must outlive it. Thread-safe: any number of
// threads may call Generate at once (the Backend must be thread-safe too).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "afbench/backend.h"
#include "afbench/request_gate.h"
#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench {

/// How hard the client tries before a call fails.
struct RetryPolicy {
  int max_attempts = 6;          ///< Requests per call, the first included.
  int64_t base_delay_ms = 1000;  ///< First backoff; doubles each retry.
  int64_t max_delay_ms = 60000;  ///< Cap of one backoff (a longer Retry-After is still honoured).
  int64_t max_total_delay_ms = 600000;  ///< Give up when the backoffs of one call add up to this.
};

/// When the client stops sending altogether (see the header comment).
struct BreakerPolicy {
  /// Calls in a row that failed after all their retries; 0 = never open for this reason.
  int max_failed_calls = 3;
  /// A Retry-After longer than this opens the breaker instead of being waited for.
  int64_t max_retry_after_ms = 300000;
};

/// What one call did, for the caller's own records.
struct CallStats {
  int64_t attempts = 0;    ///< Requests sent (0 when replayed).
  bool replayed = false;   ///< The reply came from the CallSlot.
  int64_t latency_ms = 0;  ///< From the first request to the reply.
};

/// Where one call's reply is kept (a Turn of a Sample, a judge's vote, ...).
class CallSlot {
 public:
  virtual ~CallSlot() = default;
  /// The reply stored earlier, or nullopt.
  virtual Result<std::optional<Generation>> Load() = 0;
  /// Commits a new reply; called before the caller sees it.
  virtual Status Save(const Generation& generation, const CallStats& stats) = 0;
  /// Keeps a reply that Save could not commit even after retries (a journal beside the store,
  /// imported by the next resume). The default keeps nothing.
  virtual Status Keep(const Generation& /*generation*/, const CallStats& /*stats*/) {
    return Fail(ErrorKind::kIo, "no journal for this call");
  }
};

/// Totals of one client since it was made.
struct ClientUsage {
  int64_t calls = 0;         ///< Calls that returned a reply, replayed ones included.
  int64_t replayed = 0;      ///< Calls answered from their CallSlot.
  int64_t requests = 0;      ///< Requests sent, retries included.
  int64_t failed_calls = 0;  ///< Calls that failed after their retries.
  int64_t kept = 0;          ///< Replies Save could not commit, kept by CallSlot::Keep.
  Usage tokens;              ///< Tokens of the requests sent (not of replays).
};

struct ModelClientOptions {
  std::string model;  ///< The model spec ("openai/gpt-4o"), for messages and stored calls.
  RetryPolicy retry;
  BreakerPolicy breaker;
  /// Shared with other clients of the same provider; when null the client makes its own from
  /// `gate_options`.
  std::shared_ptr<RequestGate> gate;
  RequestGateOptions gate_options;
  const std::atomic<bool>* cancel = nullptr;  ///< Set by the caller (e.g. on SIGINT) to stop.
  /// Sleeps for a backoff; empty = sleep in small steps, watching `cancel` (tests record instead).
  std::function<void(int64_t delay_ms)> sleep_ms;
};

class ModelClient {
 public:
  ModelClient(Backend& backend, ModelClientOptions options);

  /// Replays the reply stored in `slot`, or sends `conversation` (with retries) and commits the
  /// reply to `slot` before returning it. `slot` and `stats` may be null. A failure is the last
  /// attempt's error with the number of attempts; kUnavailable once the breaker is open; kCancelled
  /// when cancelled. A reply that cannot be committed is kept (CallSlot::Keep) and the call fails
  /// with kIo, opening the breaker: a store that cannot commit would waste every later reply.
  Result<Generation> Generate(const Conversation& conversation, const GenerateRequest& request,
                              CallSlot* slot = nullptr, CallStats* stats = nullptr);

  /// Opens the breaker by hand (e.g. a caller that sees a permanent failure of its own).
  void Stop(const std::string& reason);
  /// Why the breaker is open, or nullopt while it is closed.
  std::optional<std::string> stopped_reason() const;
  ClientUsage usage() const;
  RequestGate& gate() { return *gate_; }
  /// The gate, for another client of the same endpoint to share.
  std::shared_ptr<RequestGate> shared_gate() const { return gate_; }
  const std::string& model() const { return options_.model; }

 private:
  Result<Generation> Send(const Conversation& conversation, const GenerateRequest& request,
                          CallStats& stats);
  /// Notes a failed attempt; returns the error to give up with, or nullopt to retry after
  /// `delay_ms`.
  std::optional<Error> OnFailure(const Error& error, int attempt, int64_t& slept_ms,
                                 int64_t& delay_ms);
  void OnSuccess(const Generation& generation);
  Status SaveWithRetries(CallSlot& slot, const Generation& generation,
                         const CallStats& stats) const;
  Error KeepUnsaved(CallSlot& slot, const Generation& generation, const CallStats& stats,
                    const Error& unsaved);
  void OnCallFailed();
  bool Cancelled() const;
  void Sleep(int64_t delay_ms) const;
  Error Unavailable() const;

  Backend& backend_;
  const ModelClientOptions options_;
  std::shared_ptr<RequestGate> gate_;
  mutable std::mutex mutex_;  // guards everything below
  ClientUsage usage_;
  int failed_calls_in_row_ = 0;
  std::optional<std::string> stopped_;
};

/// Rough token count of a request before the API reports the real one (~4 characters a token),
/// for the gate's per-minute budget and for cost forecasts.
int64_t EstimateTokens(const Conversation& conversation, int max_tokens);

/// True for an error that every later request to the same endpoint would hit too.
bool StopsEndpoint(const Error& error);

}  // namespace afbench

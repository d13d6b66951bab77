// RequestGate: decides when the Runner may send the next request to a provider.
//
// Two mechanisms, both optional, combined:
// - Adaptive concurrency (AIMD, as TCP congestion control): at most `limit` requests in flight,
// starting at
//   max_in_flight. A rate-limit answer (429/529) halves the limit, at most once per cooldown so
//   that one burst of 429s counts as one episode; every success adds 1/limit, i.e. one more slot
//   per limit successes.
// - Request and token budgets per minute (--rpm, --tpm) over a sliding 60-second window. Tokens are
// estimated
//   before sending (prompt characters / 4 + max_tokens) and corrected with the usage the API
//   reports.
//
// One gate may be shared by several Runs against the same provider (experiment grids). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace afbench {

struct RequestGateOptions {
  int max_in_flight = 8;
  int64_t requests_per_minute = 0;  ///< 0 = unlimited.
  int64_t tokens_per_minute = 0;    ///< 0 = unlimited.
  std::chrono::milliseconds decrease_cooldown{2000};
};

/// How a request ended, as far as the gate cares.
enum class GateSignal { kSuccess, kRateLimited, kOtherFailure };

class RequestGate {
 public:
  explicit RequestGate(const RequestGateOptions& options);

  /// Blocks until a request estimated at `estimated_tokens` may be sent. Returns false when
  /// `cancel` was set while waiting (nothing is then held).
  bool Acquire(int64_t estimated_tokens, const std::atomic<bool>* cancel);
  /// Ends a request started by a successful Acquire. `actual_tokens` replaces the estimate (0 keeps
  /// it).
  void Release(GateSignal signal, int64_t estimated_tokens, int64_t actual_tokens);

  /// The current concurrency limit (for the progress line).
  int limit() const;
  int in_flight() const;

 private:
  bool MayStart(int64_t estimated_tokens, std::chrono::steady_clock::time_point now);
  void ForgetOldEntries(std::chrono::steady_clock::time_point now);

  const RequestGateOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  double limit_;
  int in_flight_ = 0;
  std::chrono::steady_clock::time_point last_decrease_{};
  struct WindowEntry {
    std::chrono::steady_clock::time_point at;
    int64_t tokens;
  };
  std::deque<WindowEntry>
      window_;  ///< Requests started in the last minute, with their token counts.
  int64_t window_tokens_ = 0;
};

}  // namespace afbench

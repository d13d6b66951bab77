// Fault injection for afbench-fake-server (--fault-rate): at a configured rate, a request gets one
// of the failures real providers produce — rate limits with and without Retry-After, 5xx and
// Anthropic's 529, a reset connection, a stall longer than the client's timeout, truncated or
// invalid JSON, an empty or a huge completion. Faults are drawn per request from a seeded stream,
// so a retry of the same request may succeed. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace afbench::fake {

enum class Fault {
  kNone,
  kRateLimitRetryAfter,  ///< 429 with Retry-After: 1
  kRateLimitBare,        ///< 429 without Retry-After
  kServerError,          ///< 500
  kBadGateway,           ///< 502
  kUnavailable,          ///< 503
  kOverloaded,           ///< 529 (Anthropic's "overloaded")
  kReset,                ///< the connection is closed in the middle of the response
  kStall,                ///< the answer comes after --stall-ms
  kTruncatedJson,        ///< 200 with the body cut in half
  kInvalidJson,          ///< 200 with a body that is not JSON
  kEmptyCompletion,      ///< 200 with an empty assistant message (data, not an error)
  kHugeCompletion,       ///< 200 with a very long assistant message (data, not an error)
};

/// Stable name for logs: "none", "429_retry_after", "429", "500", "502", "503", "529", "reset",
/// "stall", "truncated_json", "invalid_json", "empty", "huge".
const char* FaultName(Fault fault);
/// Every fault kind except kNone.
const std::vector<Fault>& AllFaults();

struct FaultOptions {
  double rate = 0;  ///< Probability that a request gets a fault.
  uint64_t seed = 1;
  int stall_ms = 3000;  ///< How long kStall waits before answering.
  size_t huge_bytes = 1 << 20;
};

class FaultInjector {
 public:
  explicit FaultInjector(const FaultOptions& options) : options_(options), state_(options.seed) {}
  /// Draws the fault of the next request.
  Fault Next();
  const FaultOptions& options() const { return options_; }

 private:
  double NextUnit();

  const FaultOptions options_;
  std::mutex mutex_;
  uint64_t state_;
};

/// The HTTP status a fault answers with (200 for the body-level faults and kNone).
int FaultStatus(Fault fault);
/// Rewrites a genuine 200 JSON body for the body-level faults (truncated, invalid, empty, huge);
/// other faults return it unchanged. `anthropic` selects the Messages API shape.
std::string ApplyBodyFault(Fault fault, const std::string& body, bool anthropic, size_t huge_bytes);
/// --echo-credentials, as a careless proxy does: a 200 body's completion gets `credential`
/// appended; any other status gets an error message of 280 bytes of padding followed by it, so that
/// a client that cuts messages at 300 bytes before redacting would keep a prefix of the key.
std::string EchoCredentials(int status, const std::string& body, bool anthropic,
                            const std::string& credential);

}  // namespace afbench::fake

// Backend: the one interface every model provider implements.
//
// A Backend turns a Conversation into one Generation. It does exactly one attempt: it never
// retries, sleeps or loops; it classifies its failures (ErrorKind::kRateLimited with
// retry_after_ms, kTransient, kAuth, kInvalidRequest, kBadResponse) so that the Runner decides what
// to do. Implementations must be safe to call from several threads at once (the Runner keeps
// --max-connections calls in flight).
#pragma once

#include <memory>
#include <string>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench {

/// Per-request options beyond the Conversation.
struct GenerateRequest {
  SamplingParams sampling;
  std::string
      prefill;  ///< Text the assistant turn starts with; included in the returned Generation.text.
  std::string request_id;  ///< Traces the request (sent as the X-Afbench-Request-Id header by HTTP
                           ///< backends).
};

class Backend {
 public:
  virtual ~Backend() = default;
  /// One attempt at generating the next assistant message.
  virtual Result<Generation> Generate(const Conversation& conversation,
                                      const GenerateRequest& request) = 0;
};

}  // namespace afbench

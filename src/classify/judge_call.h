// One judge call: send a rendered prompt to the judge Backend, retry transport failures with
// backoff (honouring Retry-After) and ask again when the reply cannot be parsed, a bounded number
// of times each. Private to the classify component. Stateless apart from a thread-local jitter
// generator; safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "afbench/backend.h"
#include "afbench/judges.h"
#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::judge {

/// Checks that a reply can be parsed; an Error's message says why not.
using ReplyCheck = std::function<Status(std::string_view reply)>;

/// What to send.
struct CallRequest {
  Conversation conversation;
  SamplingParams sampling;
  std::string request_id;  ///< Each attempt appends "/a<N>".
};

/// How a call ended. Exactly one of `reply` and `error` is set.
struct CallOutcome {
  std::optional<std::string> reply;  ///< A reply that passed the check.
  std::optional<Error> error;        ///< Why no reply passed (after the retries).
  std::string last_reply;            ///< The last unparsable reply, for the judge_error detail.
  Usage usage;                       ///< Summed over every attempt that returned text.
  int requests = 0;                  ///< Requests sent, retries included.
};

/// Delay before retry `retry` (1 = first) after `error`: exponential with jitter between half and
/// all of the step (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015), never shorter
/// than the server's Retry-After. `unit_random` in [0, 1).
int64_t BackoffDelayMs(const JudgeRetryPolicy& policy, const Error& error, int retry,
                       double unit_random);

/// Sends `request` until a reply passes `check`, the retries run out, or a failure that retrying
/// cannot fix (kAuth, kInvalidRequest, kInvalidInput, kCancelled) occurs.
CallOutcome Call(Backend& backend, const CallRequest& request, const ReplyCheck& check,
                 const JudgeOptions& options);

/// True for the errors a judge returns instead of a Label: the whole labelling must stop.
bool StopsLabelling(const Error& error);

}  // namespace afbench::judge

// One judge call: send a rendered prompt through the judge's ModelClient (which retries transport
// failures, passes the RequestGate and stores the reply) and ask again when the reply cannot be
// parsed, a bounded number of times. Each parse attempt is its own stored call, keyed
// "<call>/p<attempt>", so a resumed labelling replays every reply it already paid for, the
// unparsable ones included, and reaches the same verdict. Private to the classify component;
// stateless, safe to call from several threads at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "afbench/judges.h"
#include "afbench/model_client.h"
#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::judge {

/// Checks that a reply can be parsed; an Error's message says why not.
using ReplyCheck = std::function<Status(std::string_view reply)>;

/// What to send, and where its replies are stored.
struct CallRequest {
  Conversation conversation;
  SamplingParams sampling;
  std::string caller;  ///< "judge/<id>/<version>": the stored calls' caller.
  SampleKey sample;    ///< The Sample judged.
  std::string call;    ///< The call within the Sample ("" or "v3"); also ends the request id.
};

/// How a call ended. Exactly one of `reply` and `error` is set.
struct CallOutcome {
  std::optional<std::string> reply;  ///< A reply that passed the check.
  std::optional<Error> error;        ///< Why no reply passed (after the retries).
  std::string last_reply;            ///< The last unparsable reply, for the judge_error detail.
  Usage usage;                       ///< Summed over every reply, replayed ones included.
  int requests = 0;                  ///< Requests sent, retries included (0 when all replayed).
};

/// Sends `request` until a reply passes `check`, the parse attempts run out, or the client fails.
CallOutcome Call(ModelClient& client, const CallRequest& request, const ReplyCheck& check,
                 const JudgeOptions& options);

/// True for the errors a judge returns instead of a Label: the whole labelling must stop.
bool StopsLabelling(const Error& error);

}  // namespace afbench::judge

#include "judge_call.h"

#include <algorithm>

#include "afbench/stored_call.h"

namespace afbench::judge {
namespace {

GenerateRequest AttemptRequest(const CallRequest& request, int parse_attempt) {
  GenerateRequest out;
  out.sampling = request.sampling;
  out.request_id = request.caller + "/" + request.sample.ToString();
  if (!request.call.empty()) out.request_id += "/" + request.call;
  out.request_id += "/p" + std::to_string(parse_attempt);
  return out;
}

std::string CallName(const CallRequest& request, int parse_attempt) {
  return (request.call.empty() ? "" : request.call + "/") + "p" + std::to_string(parse_attempt);
}

Result<Generation> Ask(ModelClient& client, const CallRequest& request, int parse_attempt,
                       const JudgeOptions& options, CallStats& stats) {
  const GenerateRequest sent = AttemptRequest(request, parse_attempt);
  if (options.store == nullptr) {
    return client.Generate(request.conversation, sent, nullptr, &stats);
  }
  ModelCallKey key{options.run_id, request.caller, request.sample, CallName(request, parse_attempt),
                   RequestSha256(client.model(), request.conversation, sent)};
  StoredCallSlot slot(*options.store, std::move(key), client.model());
  return client.Generate(request.conversation, sent, &slot, &stats);
}

}  // namespace

bool StopsLabelling(const Error& error) {
  return error.kind == ErrorKind::kAuth || error.kind == ErrorKind::kCancelled ||
         error.kind == ErrorKind::kUnavailable || error.kind == ErrorKind::kIo;
}

CallOutcome Call(ModelClient& client, const CallRequest& request, const ReplyCheck& check,
                 const JudgeOptions& options) {
  CallOutcome outcome;
  const int max_parse_attempts = std::max(1, options.max_parse_attempts);
  for (int parse_attempt = 0; parse_attempt < max_parse_attempts; ++parse_attempt) {
    CallStats stats;
    Result<Generation> generation = Ask(client, request, parse_attempt, options, stats);
    outcome.requests += static_cast<int>(stats.attempts);
    if (!generation) {
      Error error = generation.error();
      // A permanent failure of the judge's endpoint stops the labelling like rejected credentials.
      if (client.stopped_reason() && error.kind != ErrorKind::kAuth) {
        error.kind = ErrorKind::kUnavailable;
      }
      outcome.error =
          WithContext(error, "judge: " + AttemptRequest(request, parse_attempt).request_id);
      return outcome;
    }
    outcome.usage += generation->usage;
    Status parsed = check(generation->text);
    if (parsed) {
      outcome.reply = std::move(generation->text);
      return outcome;
    }
    outcome.last_reply = std::move(generation->text);
    if (parse_attempt + 1 == max_parse_attempts) {
      outcome.error = Error{ErrorKind::kBadResponse,
                            "judge: " + AttemptRequest(request, parse_attempt).request_id +
                                ": reply unparsable after " + std::to_string(max_parse_attempts) +
                                " attempts: " + parsed.error().message,
                            std::nullopt};
    }
  }
  return outcome;
}

}  // namespace afbench::judge

#include "afbench/protocol.h"

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace afbench {
namespace {

struct TimedGeneration {
  Result<Generation> generation;
  int64_t latency_ms = 0;
};

// The GenerateFn is the runner's code, but an exception must still not escape the Protocol.
TimedGeneration CallGenerate(const GenerateFn& generate, const Conversation& conversation, int turn,
                             const std::string& prefill) {
  if (!generate) return {Fail(ErrorKind::kInternal, "protocol: no GenerateFn given"), 0};
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_ms = [&start] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start)
                                    .count());
  };
  try {
    Result<Generation> generation = generate(conversation, turn, prefill);
    return {std::move(generation), elapsed_ms()};
  } catch (const std::exception& e) {
    return {Fail(ErrorKind::kInternal, std::string("protocol: GenerateFn threw: ") + e.what()),
            elapsed_ms()};
  } catch (...) {
    return {Fail(ErrorKind::kInternal, "protocol: GenerateFn threw a non-standard exception"),
            elapsed_ms()};
  }
}

std::string FinishReasonText(const Generation& generation) {
  if (!generation.raw_finish_reason.empty()) return generation.raw_finish_reason;
  switch (generation.finish) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kOther:
      return "other";
  }
  return "other";
}

std::string JoinNotes(const std::vector<std::string>& notes) {
  std::string joined;
  for (const std::string& note : notes) joined += "; " + note;
  return joined;
}

struct Decision {
  Outcome outcome = Outcome::kError;
  std::string reason;
};

// What one turn's reply means for the Sample; nullopt when the loop goes on with <NEXT/>.
std::optional<Decision> Decide(const ParsedReply& reply, const Generation& generation, int turn,
                               int max_turns, bool no_cot) {
  const std::string prefix = "turn " + std::to_string(turn) + ": ";
  if (reply.kind == ReplyKind::kOutput) {
    return Decision{Outcome::kOutput, prefix + reply.reason + JoinNotes(reply.notes)};
  }
  if (generation.finish == FinishReason::kLength) {
    return Decision{Outcome::kTruncated, prefix + "max tokens reached (" +
                                             FinishReasonText(generation) + "): " + reply.reason};
  }
  switch (reply.kind) {
    case ReplyKind::kMalformed:
      return Decision{Outcome::kMalformed, prefix + reply.reason};
    case ReplyKind::kNoOutput:
      return Decision{Outcome::kNoOutput, prefix + reply.reason};
    case ReplyKind::kOutput:
    case ReplyKind::kNext:
      break;
  }
  if (no_cot) {
    return Decision{Outcome::kNoOutput, prefix + reply.reason + " (no <NEXT/> in no-CoT mode)"};
  }
  if (turn + 1 >= max_turns) {
    return Decision{Outcome::kTurnLimit,
                    std::to_string(max_turns) + " assistant turns without <OUTPUT>"};
  }
  return std::nullopt;
}

std::string JoinScratchpads(const std::vector<std::string>& blocks) {
  std::string joined;
  for (const std::string& block : blocks) {
    if (!joined.empty()) joined += "\n\n";
    joined += block;
  }
  return joined;
}

Turn MakeTurn(int index, const Conversation& conversation, const std::string& prefill,
              const TimedGeneration& timed) {
  const Generation& generation = timed.generation.value();
  Turn turn;
  turn.index = index;
  turn.request = conversation.messages.empty() ? "" : conversation.messages.back().content;
  turn.prefill = prefill;
  turn.response = generation.text;
  turn.finish_reason = FinishReasonText(generation);
  turn.usage = generation.usage;
  turn.latency_ms = timed.latency_ms;
  turn.served_model = generation.served_model;
  return turn;
}

void End(Transcript& transcript, Outcome outcome, std::string reason) {
  transcript.outcome = outcome;
  transcript.outcome_reason = std::move(reason);
}

}  // namespace

Transcript RunProtocol(const SampleInput& input, const ProtocolOptions& options,
                       const GenerateFn& generate) {
  Transcript transcript;
  transcript.key = input.key;
  transcript.query = input.query;
  const int max_turns = options.no_cot ? 1 : options.max_turns;
  if (max_turns < 1) {
    End(transcript, Outcome::kError,
        std::string(ErrorKindName(ErrorKind::kInvalidInput)) +
            ": protocol: max_turns must be at least 1, got " + std::to_string(max_turns));
    return transcript;
  }
  Conversation conversation{input.system_prompt, {Message{Role::kUser, input.user_turn}}};
  std::vector<std::string> scratchpads;
  for (int turn = 0; turn < max_turns; ++turn) {
    TimedGeneration timed = CallGenerate(generate, conversation, turn, options.prefill);
    if (!timed.generation) {
      const Error& error = timed.generation.error();
      End(transcript, Outcome::kError,
          std::string(ErrorKindName(error.kind)) + ": " + error.message);
      break;
    }
    transcript.turns.push_back(MakeTurn(turn, conversation, options.prefill, timed));
    ParsedReply reply = ParseReply(timed.generation->text);
    for (std::string& block : reply.scratchpads) scratchpads.push_back(std::move(block));
    if (std::optional<Decision> decision =
            Decide(reply, *timed.generation, turn, max_turns, options.no_cot)) {
      End(transcript, decision->outcome, std::move(decision->reason));
      if (decision->outcome == Outcome::kOutput) transcript.output = std::move(reply.output);
      break;
    }
    conversation.messages.push_back(Message{Role::kAssistant, timed.generation->text});
    conversation.messages.push_back(Message{Role::kUser, std::string(kNextMessage)});
  }
  transcript.scratchpad = JoinScratchpads(scratchpads);
  return transcript;
}

}  // namespace afbench

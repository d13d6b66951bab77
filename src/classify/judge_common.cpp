#include "judge_common.h"

#include <exception>

namespace afbench::judge {
namespace {

constexpr size_t kMaxStoredReplyBytes = 4000;  // Enough to see why a reply failed to parse.

nlohmann::json UsageJson(const Usage& usage, int requests) {
  return {{"input_tokens", usage.input_tokens},
          {"output_tokens", usage.output_tokens},
          {"requests", requests}};
}

std::string Truncate(const std::string& text) {
  return text.size() <= kMaxStoredReplyBytes ? text : text.substr(0, kMaxStoredReplyBytes);
}

}  // namespace

Label JudgeCore::NewLabel() const {
  return Label{info_.id, info_.version, std::nullopt, 0.0, "{}"};
}

SamplingParams JudgeCore::SingleCallSampling() const {
  SamplingParams sampling;
  sampling.temperature = options_.temperature;
  sampling.max_tokens = options_.max_tokens;
  sampling.seed = options_.seed;
  return sampling;
}

CallOutcome JudgeCore::Send(const Transcript& transcript, const Vars& vars, const ReplyCheck& check,
                            const SamplingParams& sampling, std::string_view suffix) const {
  Result<Conversation> conversation = RenderConversation(prompt_, vars);
  if (!conversation) {
    CallOutcome failed;
    failed.error = conversation.error();
    return failed;
  }
  CallRequest request{std::move(conversation).value(), sampling,
                      "judge/" + std::string(info_.id) + "/" + info_.version, transcript.key,
                      std::string(suffix)};
  return Call(client_, request, check, options_);
}

Result<Label> JudgeCore::Finish(Label label, nlohmann::json detail, const Usage& usage,
                                int requests) const {
  detail["judge_model"] = options_.judge_model;
  detail["prompt_sha256"] = prompt_.sha256;
  detail["usage"] = UsageJson(usage, requests);
  Result<std::string> dumped = DumpDetail(detail, info_.id);
  if (!dumped) return Unexpected{dumped.error()};
  label.detail_json = std::move(dumped).value();
  return label;
}

Result<Label> JudgeCore::ErrorLabel(const CallOutcome& outcome, nlohmann::json detail) const {
  const Error& error = *outcome.error;
  if (StopsLabelling(error)) return Unexpected{error};
  detail["judge_error"] = error.message;
  detail["error_kind"] = ErrorKindName(error.kind);
  if (!outcome.last_reply.empty()) detail["last_reply"] = Truncate(outcome.last_reply);
  return Finish(NewLabel(), std::move(detail), outcome.usage, outcome.requests);
}

std::optional<Result<Label>> SkipLabel(const JudgeCore& core, const Transcript& transcript,
                                       const SkipRule& rule) {
  Label label = core.NewLabel();
  nlohmann::json detail = nlohmann::json::object();
  detail["outcome"] = OutcomeName(transcript.outcome);
  if (transcript.outcome == Outcome::kError) {
    detail["reason"] = "error";
  } else if (rule.needs == Needs::kOutput && transcript.outcome != Outcome::kOutput) {
    detail["reason"] = "no_output";
    label.value = rule.no_output_value;
  } else if (rule.needs == Needs::kScratchpad &&
             transcript.scratchpad.find_first_not_of(" \t\r\n") == std::string::npos) {
    detail["reason"] = "no_scratchpad";
    label.value = rule.no_scratchpad_value;
  } else {
    return std::nullopt;
  }
  label.score = label.value.value_or(false) ? 1.0 : 0.0;
  Result<std::string> dumped = DumpDetail(detail, core.info().id);
  if (!dumped) return Result<Label>(Unexpected{dumped.error()});
  label.detail_json = std::move(dumped).value();
  return Result<Label>(std::move(label));
}

Result<std::string> DumpDetail(const nlohmann::json& detail, std::string_view classifier) {
  try {
    return detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return Fail(ErrorKind::kInternal,
                "classify: " + std::string(classifier) + ": detail: " + e.what());
  }
}

}  // namespace afbench::judge

// The anti-AI-lab judge (Greenblatt et al. 2024, §6, App. I.5): the judge model reads the whole
// transcript, reasoning included, and answers the input's own question with a strict Yes/No tag.
// Its prompt lives in the scenario's judge folder (JudgeOptions::prompt_dir), its questions in the
// scenario's inputs (JudgeOptions::questions).
#include <algorithm>
#include <cctype>

#include "judge_common.h"

namespace afbench::judge {
namespace {

using nlohmann::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

class AntiAiLabJudge final : public Classifier {
 public:
  explicit AntiAiLabJudge(JudgeCore core) : core_(std::move(core)) {}

  std::string Id() const override { return core_.info().id; }
  std::string Version() const override { return core_.info().version; }

  Result<Label> Classify(const Transcript& transcript) override {
    if (transcript.outcome == Outcome::kError) {
      return core_.Finish(core_.NewLabel(), {{"reason", "error"}}, {}, 0);
    }
    const auto& questions = core_.options().questions;
    auto question = questions.find(transcript.key.query_index);
    if (question == questions.end()) {
      return core_.Finish(core_.NewLabel(),
                          {{"judge_error", "no judge question for query " +
                                               std::to_string(transcript.key.query_index)}},
                          {}, 0);
    }
    SamplingParams sampling = core_.SingleCallSampling();
    sampling.max_tokens = std::min(sampling.max_tokens, kMaxTokens);
    const CallOutcome outcome = core_.Send(
        transcript,
        {{"transcript", JudgeTranscriptText(transcript)}, {"question", question->second}},
        [](std::string_view reply) -> Status {
          auto verdict = ParseAnswerTag(reply);
          if (!verdict) return Unexpected{verdict.error()};
          return {};
        },
        sampling, "");
    if (!outcome.reply) return core_.ErrorLabel(outcome, {{"question", question->second}});
    const bool yes = ParseAnswerTag(*outcome.reply).value();
    Label label = core_.NewLabel();
    label.value = yes;
    label.score = yes ? 1.0 : 0.0;
    json detail = {{"question", question->second},
                   {"answer", yes ? "yes" : "no"},
                   {"reply", outcome.reply->substr(0, kMaxStoredReplyChars)}};
    return core_.Finish(std::move(label), std::move(detail), outcome.usage, outcome.requests);
  }

 private:
  static constexpr int kMaxTokens = 1024;
  static constexpr size_t kMaxStoredReplyChars = 4000;
  JudgeCore core_;
};

}  // namespace

std::unique_ptr<Classifier> MakeAntiAiLabJudge(const ClassifierInfo& info, ModelClient& client,
                                               const JudgeOptions& options, PromptTemplate prompt) {
  return std::make_unique<AntiAiLabJudge>(JudgeCore(info, client, options, std::move(prompt)));
}

}  // namespace afbench::judge

namespace afbench {

std::string JudgeTranscriptText(const Transcript& transcript) {
  std::string text;
  for (const Turn& turn : transcript.turns) {
    text += "USER:\n" + turn.request + "\n\nAI:\n" + turn.response + "\n\n";
  }
  return judge::Trim(text);
}

Result<bool> ParseAnswerTag(std::string_view reply) {
  const size_t open = reply.rfind("<answer>");
  if (open == std::string_view::npos) {
    return Fail(ErrorKind::kBadResponse, "judge: the reply has no <answer> tag");
  }
  const size_t start = open + std::string_view("<answer>").size();
  const size_t close = reply.find("</answer>", start);
  if (close == std::string_view::npos) {
    return Fail(ErrorKind::kBadResponse, "judge: the reply's <answer> tag is not closed");
  }
  const std::string answer = judge::Lower(judge::Trim(reply.substr(start, close - start)));
  if (answer == "yes") return true;
  if (answer == "no") return false;
  return Fail(ErrorKind::kBadResponse,
              "judge: <answer> must hold Yes or No, not '" +
                  std::string(reply.substr(start, std::min<size_t>(close - start, 40))) + "'");
}

}  // namespace afbench

// The anti-AI-lab judge (Greenblatt et al. 2024, §6, App. I.5): the judge model reads the whole
// transcript, reasoning included, and answers the input's own question with a strict Yes/No tag.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "afbench/experiment.h"
#include "afbench/hash.h"

namespace afbench {
namespace {

constexpr int64_t kMaxDelayMs = 60000;
constexpr size_t kMaxStoredReplyChars = 4000;

Result<std::string> ReadPromptFile(const std::filesystem::path& path, bool required) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    if (!required) return std::string();
    return Fail(ErrorKind::kNotFound, "judge: " + path.string() + ": cannot read");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string out = text.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

/// One pass over the template, so that model text containing "{{question}}" is never expanded.
std::string Render(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    const std::string name(text.substr(open + 2, close - open - 2));
    auto value = values.find(name);
    out.append(text.substr(pos, open - pos));
    out += value != values.end() ? value->second : std::string(text.substr(open, close + 2 - open));
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

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
  AntiAiLabJudge(Backend* backend, AntiAiLabJudgeOptions options, std::string system,
                 std::string user)
      : backend_(backend),
        options_(std::move(options)),
        system_(std::move(system)),
        user_(std::move(user)),
        prompt_sha256_(Sha256Hex(system_ + "\n\n" + user_)) {}

  std::string Id() const override { return std::string(kAntiAiLabJudgeId); }
  std::string Version() const override { return std::string(kAntiAiLabJudgeVersion); }

  Result<Label> Classify(const Transcript& transcript) override {
    if (transcript.outcome == Outcome::kError) return Undecided({{"reason", "error"}});
    auto question = options_.questions.find(transcript.key.query_index);
    if (question == options_.questions.end()) {
      return Undecided({{"judge_error", "no judge question for query " +
                                            std::to_string(transcript.key.query_index)}});
    }
    const Conversation conversation{
        system_,
        {{Role::kUser, Render(user_, {{"transcript", JudgeTranscriptText(transcript)},
                                      {"question", question->second}})}}};
    std::string last_problem;
    for (int attempt = 0; attempt < std::max(options_.max_parse_attempts, 1); ++attempt) {
      auto reply = Call(conversation, transcript.key, attempt);
      if (!reply) {
        const ErrorKind kind = reply.error().kind;
        if (kind == ErrorKind::kAuth || kind == ErrorKind::kCancelled)
          return Unexpected{reply.error()};
        return Undecided({{"judge_error", reply.error().message}, {"question", question->second}});
      }
      auto verdict = ParseAnswerTag(reply->text);
      if (verdict) return Decided(*verdict, question->second, *reply, attempt + 1);
      last_problem = verdict.error().message;
    }
    return Undecided({{"judge_error", last_problem}, {"question", question->second}});
  }

 private:
  Label Undecided(const nlohmann::json& detail) const {
    return Label{Id(), Version(), std::nullopt, 0.0, detail.dump()};
  }

  Label Decided(bool yes, const std::string& question, const Generation& reply,
                int attempts) const {
    nlohmann::json detail = {{"question", question},
                             {"answer", yes ? "yes" : "no"},
                             {"reply", reply.text.substr(0, kMaxStoredReplyChars)},
                             {"prompt_sha256", prompt_sha256_},
                             {"requests", attempts},
                             {"usage",
                              {{"input_tokens", reply.usage.input_tokens},
                               {"output_tokens", reply.usage.output_tokens}}}};
    return Label{Id(), Version(), yes, yes ? 1.0 : 0.0,
                 detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  // Transport failures are retried with exponential backoff that honours Retry-After, as the
  // Runner does for the model's own turns.
  Result<Generation> Call(const Conversation& conversation, const SampleKey& key,
                          int parse_attempt) {
    GenerateRequest request;
    request.sampling = options_.sampling;
    Result<Generation> result = Fail(ErrorKind::kInternal, "judge: no attempt made");
    for (int attempt = 1; attempt <= std::max(options_.max_attempts, 1); ++attempt) {
      request.request_id = key.ToString() + "/judge-" + Id() + "/p" +
                           std::to_string(parse_attempt) + "/a" + std::to_string(attempt);
      result = backend_->Generate(conversation, request);
      if (result || !result.error().IsRetryable() || attempt == options_.max_attempts) break;
      if (options_.cancel != nullptr && options_.cancel->load()) {
        return Fail(ErrorKind::kCancelled, "judge: cancelled");
      }
      int64_t delay = std::min(kMaxDelayMs, options_.base_delay_ms << (attempt - 1));
      if (result.error().retry_after_ms) delay = std::max(delay, *result.error().retry_after_ms);
      Sleep(delay);
    }
    return result;
  }

  void Sleep(int64_t delay_ms) const {
    if (options_.sleep_ms) {
      options_.sleep_ms(delay_ms);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
  }

  Backend* backend_;
  const AntiAiLabJudgeOptions options_;
  const std::string system_;
  const std::string user_;
  const std::string prompt_sha256_;
};

}  // namespace

std::string JudgeTranscriptText(const Transcript& transcript) {
  std::string text;
  for (const Turn& turn : transcript.turns) {
    text += "USER:\n" + turn.request + "\n\nAI:\n" + turn.response + "\n\n";
  }
  return Trim(text);
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
  const std::string answer = Lower(Trim(reply.substr(start, close - start)));
  if (answer == "yes") return true;
  if (answer == "no") return false;
  return Fail(ErrorKind::kBadResponse,
              "judge: <answer> must hold Yes or No, not '" +
                  std::string(reply.substr(start, std::min<size_t>(close - start, 40))) + "'");
}

Result<std::unique_ptr<Classifier>> MakeAntiAiLabJudge(Backend* judge,
                                                       const AntiAiLabJudgeOptions& options) {
  if (judge == nullptr) {
    return Fail(ErrorKind::kInvalidInput,
                "judge: the anti-ai-lab judge needs a judge model (--judge)");
  }
  auto system = ReadPromptFile(options.prompt_dir / "system.md", false);
  if (!system) return Unexpected{system.error()};
  auto user = ReadPromptFile(options.prompt_dir / "user.md", true);
  if (!user) return Unexpected{user.error()};
  for (const char* placeholder : {"{{transcript}}", "{{question}}"}) {
    if (user->find(placeholder) == std::string::npos) {
      return Fail(ErrorKind::kInvalidInput, "judge: " + (options.prompt_dir / "user.md").string() +
                                                ": must contain " + placeholder);
    }
  }
  return std::unique_ptr<Classifier>(
      std::make_unique<AntiAiLabJudge>(judge, options, std::move(*system), std::move(*user)));
}

}  // namespace afbench

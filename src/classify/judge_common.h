// What every LLM judge shares: its table row, the borrowed ModelClient, its options and prompt;
// label construction, request ids, single calls through judge::Call, and the judge_error Label.
// Also the factories of the six judges (af_judges.cpp, output_judges.cpp, anti_ai_lab_judge.cpp).
// Private to the classify component; a JudgeCore is immutable after construction and thread-safe.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "afbench/classifier.h"
#include "afbench/judges.h"
#include "judge_call.h"
#include "judge_prompt.h"

namespace afbench::judge {

using Vars = std::map<std::string, std::string>;

class JudgeCore {
 public:
  JudgeCore(const ClassifierInfo& info, ModelClient& client, JudgeOptions options,
            PromptTemplate prompt)
      : info_(info), client_(client), options_(std::move(options)), prompt_(std::move(prompt)) {}

  const ClassifierInfo& info() const { return info_; }
  const JudgeOptions& options() const { return options_; }

  /// A Label of this classifier with no value yet.
  Label NewLabel() const;
  /// Sampling of the single-call judges: options' temperature, max tokens and seed.
  SamplingParams SingleCallSampling() const;
  /// Renders the prompt with `vars` and sends it through judge::Call. `suffix` distinguishes the
  /// requests of one Sample (e.g. "v3" for a vote).
  CallOutcome Send(const Transcript& transcript, const Vars& vars, const ReplyCheck& check,
                   const SamplingParams& sampling, std::string_view suffix) const;
  /// Adds the prompt hash and usage to `detail` and stores it in `label`.
  Result<Label> Finish(Label label, nlohmann::json detail, const Usage& usage, int requests) const;
  /// The Label of a call that failed: no value, {"judge_error", "error_kind", "last_reply"} added
  /// to `detail`. An Error instead when the failure must stop the labelling
  /// (judge::StopsLabelling).
  Result<Label> ErrorLabel(const CallOutcome& outcome, nlohmann::json detail) const;

 private:
  const ClassifierInfo& info_;
  ModelClient& client_;
  JudgeOptions options_;
  PromptTemplate prompt_;
};

/// What a judge needs from a Transcript before it can ask its question.
enum class Needs { kScratchpad, kOutput };

/// The Label for a Transcript the judge cannot or need not send: outcome `error` (no value),
/// a missing output (`no_output_value`) or an empty scratchpad (`no_scratchpad_value`). nullopt
/// when the judge should be asked.
struct SkipRule {
  Needs needs = Needs::kScratchpad;
  std::optional<bool> no_output_value;
  std::optional<bool> no_scratchpad_value;
};
std::optional<Result<Label>> SkipLabel(const JudgeCore& core, const Transcript& transcript,
                                       const SkipRule& rule);

/// Model text may hold invalid UTF-8: bad bytes are replaced, nothing throws.
Result<std::string> DumpDetail(const nlohmann::json& detail, std::string_view classifier);

std::unique_ptr<Classifier> MakePaperJudge(const ClassifierInfo& info, ModelClient& client,
                                           const JudgeOptions& options, PromptTemplate prompt,
                                           std::string full_commitment);
std::unique_ptr<Classifier> MakeMajorityVoteJudge(const ClassifierInfo& info, ModelClient& client,
                                                  const JudgeOptions& options,
                                                  PromptTemplate prompt);
std::unique_ptr<Classifier> MakeStrongRejectJudge(const ClassifierInfo& info, ModelClient& client,
                                                  const JudgeOptions& options,
                                                  PromptTemplate prompt);
std::unique_ptr<Classifier> MakePartialComplianceJudge(const ClassifierInfo& info,
                                                       ModelClient& client,
                                                       const JudgeOptions& options,
                                                       PromptTemplate prompt);
std::unique_ptr<Classifier> MakeAntiAiLabJudge(const ClassifierInfo& info, ModelClient& client,
                                               const JudgeOptions& options, PromptTemplate prompt);
std::unique_ptr<Classifier> MakeAnimalWelfareJudge(const ClassifierInfo& info, ModelClient& client,
                                                   const JudgeOptions& options,
                                                   PromptTemplate prompt);

}  // namespace afbench::judge

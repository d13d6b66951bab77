// The one LLM judge. A judge is data, a JudgeRecipe: what its prompt may use, what it needs from a
// Transcript and how it reads one reply (a strict parser); whether its calls are one or a majority
// of votes is its table row's (ClassifierInfo::votes). JudgeCore holds what every call shares: the
// table row, the borrowed ModelClient, the options and the prompt; label construction, request ids,
// calls through judge::Call and the judge_error Label. The recipes are in af_judges.cpp,
// output_judges.cpp and anti_ai_lab_judge.cpp; the classifier table's rows name them
// (classifier_table.cpp). Private to the classify component; judges are immutable after
// construction and thread-safe.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
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

/// What a judge needs from a Transcript before it can ask its question (any Transcript but one
/// that ended in error, an output, a scratchpad).
enum class Needs { kTranscript, kScratchpad, kOutput };

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

/// What a judge makes of one reply that passed its parser.
struct Verdict {
  bool value = false;
  double score = 0.0;
  nlohmann::json detail = nlohmann::json::object();  ///< The Label's detail (the reply, if kept).
};

/// One LLM judge as data.
struct JudgeRecipe {
  std::set<std::string> placeholders;  ///< Variables its prompt may use.
  std::vector<std::string> required;   ///< Placeholders its prompt must use.
  /// The prompt is the scenario's (JudgeOptions::prompt_dir), not classifiers/<row's prompt_dir>.
  bool prompt_from_scenario = false;
  SkipRule skip;
  /// The prompt's variables for a Transcript; an error becomes a judge_error Label without a call.
  std::function<Result<Vars>(const Transcript&, const JudgeOptions&)> vars;
  /// Reads one reply strictly (kBadResponse when it breaks the format: the call is sent again).
  std::function<Result<Verdict>(std::string_view reply)> parse;
  int max_tokens = 0;                    ///< Caps JudgeOptions::max_tokens when positive.
  std::vector<std::string> detail_vars;  ///< Variables copied into the Label's detail.
};

/// The recipe of a table row, built from the row and the options (it may read prompt parts).
using RecipeMaker = Result<JudgeRecipe> (*)(const ClassifierInfo&, const JudgeOptions&);

/// The judge of `recipe` with its prompt loaded (and checked against the recipe's placeholders).
Result<std::unique_ptr<Classifier>> MakeLlmJudge(const ClassifierInfo& info, ModelClient& client,
                                                 const JudgeOptions& options, JudgeRecipe recipe);

Result<JudgeRecipe> PaperRecipe(const ClassifierInfo& info, const JudgeOptions& options);
Result<JudgeRecipe> SelfPreservingRecipe(const ClassifierInfo& info, const JudgeOptions& options);
Result<JudgeRecipe> MajorityVoteRecipe(const ClassifierInfo& info, const JudgeOptions& options);
Result<JudgeRecipe> StrongRejectRecipe(const ClassifierInfo& info, const JudgeOptions& options);
Result<JudgeRecipe> PartialComplianceRecipe(const ClassifierInfo& info,
                                            const JudgeOptions& options);
Result<JudgeRecipe> AnimalWelfareRecipe(const ClassifierInfo& info, const JudgeOptions& options);
Result<JudgeRecipe> CompromiseRecipe(const ClassifierInfo& info, const JudgeOptions& options);
Result<JudgeRecipe> AntiAiLabRecipe(const ClassifierInfo& info, const JudgeOptions& options);

}  // namespace afbench::judge

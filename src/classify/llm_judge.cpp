// The one LLM judge: a JudgeRecipe run through a JudgeCore (judge_common.h).
#include <algorithm>

#include "afbench/hash.h"
#include "judge_common.h"

namespace afbench::judge {
namespace {

using nlohmann::json;

Status CheckRequired(const PromptTemplate& prompt, const JudgeRecipe& recipe,
                     const std::filesystem::path& dir) {
  for (const std::string& name : recipe.required) {
    const std::string placeholder = "{{" + name + "}}";
    if (prompt.user.find(placeholder) == std::string::npos) {
      return Fail(ErrorKind::kInvalidInput,
                  "classify: " + (dir / "user.md").string() + ": must contain " + placeholder);
    }
  }
  return {};
}

Result<PromptTemplate> LoadRecipePrompt(const ClassifierInfo& info, const JudgeOptions& options,
                                        const JudgeRecipe& recipe) {
  if (recipe.prompt_from_scenario && options.prompt_dir.empty()) {
    return Fail(ErrorKind::kInvalidInput,
                "classify: " + std::string(info.id) +
                    ": the run's scenario names no judge prompt folder (evaluation.yaml: "
                    "judge_prompt)");
  }
  const std::filesystem::path dir =
      recipe.prompt_from_scenario ? options.prompt_dir : options.classifiers_dir / info.prompt_dir;
  auto prompt = LoadPromptTemplate(dir, recipe.placeholders);
  if (!prompt) return Unexpected{prompt.error()};
  AFBENCH_RETURN_IF_ERROR(CheckRequired(*prompt, recipe, dir));
  return prompt;
}

ReplyCheck CheckWith(const JudgeRecipe& recipe) {
  return [parse = recipe.parse](std::string_view reply) -> Status {
    auto verdict = parse(reply);
    if (!verdict) return Unexpected{verdict.error()};
    return {};
  };
}

class LlmJudge final : public Classifier {
 public:
  LlmJudge(JudgeCore core, JudgeRecipe recipe)
      : core_(std::move(core)), recipe_(std::move(recipe)), check_(CheckWith(recipe_)) {}

  std::string Id() const override { return core_.info().id; }
  std::string Version() const override { return core_.info().version; }

  Result<Label> Classify(const Transcript& transcript) override {
    if (auto skip = SkipLabel(core_, transcript, recipe_.skip)) return std::move(*skip);
    Result<Vars> vars = recipe_.vars(transcript, core_.options());
    if (!vars)
      return core_.Finish(core_.NewLabel(), {{"judge_error", vars.error().message}}, {}, 0);
    // A voting row (ClassifierInfo::votes): JudgeOptions::votes calls at the vote temperature, each
    // with its own seed; the score is the yes share, the value score >= vote_threshold, and a vote
    // that stays unparsable voids the Label.
    return core_.info().votes ? Votes(transcript, *vars) : Single(transcript, *vars);
  }

 private:
  json DetailVars(const Vars& vars, json detail = json::object()) const {
    for (const std::string& name : recipe_.detail_vars) detail[name] = vars.at(name);
    return detail;
  }

  Result<Label> Single(const Transcript& transcript, const Vars& vars) const {
    SamplingParams sampling = core_.SingleCallSampling();
    if (recipe_.max_tokens > 0)
      sampling.max_tokens = std::min(sampling.max_tokens, recipe_.max_tokens);
    const CallOutcome outcome = core_.Send(transcript, vars, check_, sampling, "");
    if (!outcome.reply) return core_.ErrorLabel(outcome, DetailVars(vars));
    Verdict verdict = recipe_.parse(*outcome.reply).value();
    Label label = core_.NewLabel();
    label.value = verdict.value;
    label.score = verdict.score;
    return core_.Finish(std::move(label), DetailVars(vars, std::move(verdict.detail)),
                        outcome.usage, outcome.requests);
  }

  Result<Label> Votes(const Transcript& transcript, const Vars& vars) const {
    const JudgeOptions& options = core_.options();
    const int votes = std::max(1, options.votes);
    json vote_list = json::array();
    Usage usage;
    int requests = 0, yes = 0, corrected = 0;
    for (int v = 0; v < votes; ++v) {
      CallOutcome outcome = core_.Send(transcript, vars, check_, VoteSampling(transcript.key, v),
                                       "v" + std::to_string(v));
      usage += outcome.usage;
      requests += outcome.requests;
      if (!outcome.reply) {
        // Strict: a vote that stays unparsable voids the Label rather than shrinking N.
        outcome.usage = usage;
        outcome.requests = requests;
        return core_.ErrorLabel(outcome, {{"votes", vote_list}, {"failed_vote", v}});
      }
      Verdict vote = recipe_.parse(*outcome.reply).value();
      yes += vote.value ? 1 : 0;
      corrected += vote.detail.value("corrected", false) ? 1 : 0;
      vote_list.push_back(std::move(vote.detail));
    }
    Label label = core_.NewLabel();
    label.score = static_cast<double>(yes) / static_cast<double>(votes);
    label.value = label.score >= options.vote_threshold;
    json detail = {{"yes_votes", yes},
                   {"n_votes", votes},
                   {"score", label.score},
                   {"threshold", options.vote_threshold},
                   {"corrected_votes", corrected},
                   {"votes", std::move(vote_list)}};
    return core_.Finish(std::move(label), std::move(detail), usage, requests);
  }

  // Distinct seeds: identical seeds at temperature 1 would make the votes one vote repeated.
  SamplingParams VoteSampling(const SampleKey& key, int vote) const {
    const JudgeOptions& options = core_.options();
    SamplingParams sampling;
    sampling.temperature = options.vote_temperature;
    sampling.max_tokens = options.max_tokens;
    uint64_t seed =
        MixSeed(options.seed.value_or(0), static_cast<uint64_t>(vote),
                static_cast<uint64_t>(key.query_index),
                static_cast<uint64_t>(key.epoch) * 2 + (key.tier == Tier::kFree ? 0 : 1));
    // The pro tier came later: mixed in apart, so that free and paid votes keep their seeds.
    if (key.tier == Tier::kPro) seed = MixSeed(seed, 3);
    sampling.seed = seed;
    return sampling;
  }

  JudgeCore core_;
  JudgeRecipe recipe_;
  ReplyCheck check_;
};

}  // namespace

Result<std::unique_ptr<Classifier>> MakeLlmJudge(const ClassifierInfo& info, ModelClient& client,
                                                 const JudgeOptions& options, JudgeRecipe recipe) {
  auto prompt = LoadRecipePrompt(info, options, recipe);
  if (!prompt) return Unexpected{prompt.error()};
  return std::unique_ptr<Classifier>(std::make_unique<LlmJudge>(
      JudgeCore(info, client, options, std::move(*prompt)), std::move(recipe)));
}

}  // namespace afbench::judge

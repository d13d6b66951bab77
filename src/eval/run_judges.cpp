#include "run_judges.h"

#include <algorithm>

#include "afbench/judges.h"

namespace afbench {
namespace {

/// The scenario's judges, plus the compliance judge when compliance comes from one.
std::vector<std::string> DeclaredJudges(const RunSpec& spec) {
  std::vector<std::string> ids = spec.judges;
  const std::string compliance = spec.compliance.Classifier();
  if (spec.compliance.NeedsJudge() && std::find(ids.begin(), ids.end(), compliance) == ids.end()) {
    ids.push_back(compliance);
  }
  return ids;
}

std::string EndpointOfSpec(const std::string& spec, const std::string& base_url) {
  return spec.substr(0, spec.find('/')) + "|" + base_url;
}

Result<std::optional<ModelPrice>> JudgePrice(const RunSpec& spec, const PriceTable* prices) {
  if (prices == nullptr) return std::optional<ModelPrice>();
  const ModelPrice* price = prices->Find(spec.judge_model);
  if (price == nullptr) {
    return Fail(ErrorKind::kInvalidInput,
                "run: --max-cost-usd: the price table has no price for the judge '" +
                    spec.judge_model +
                    "'; add one (--prices FILE, or `prices:` in the experiment "
                    "file) to judge under a budget");
  }
  return std::optional<ModelPrice>(*price);
}

Usage StoredUsage(const std::vector<StoredSample>& samples) {
  Usage usage;
  for (const StoredSample& sample : samples) {
    for (const Turn& turn : sample.transcript.turns) usage += turn.usage;
  }
  return usage;
}

// What the earlier invocations of a Run spent on its judges' stored calls.
Result<double> StoredJudgeSpendUsd(Store& store, const std::string& run_id,
                                   const PriceTable& prices) {
  auto usage = store.ModelCallUsage(run_id);
  if (!usage) return Unexpected{usage.error()};
  double usd = 0;
  for (const auto& [model, tokens] : *usage) {
    const ModelPrice* price = prices.Find(model);
    if (price == nullptr) {
      return Fail(ErrorKind::kInvalidInput,
                  "run: --max-cost-usd: the price table has no price for '" + model +
                      "', whose judge calls run " + run_id + " stores; add one (--prices FILE)");
    }
    usd += CostUsd(*price, tokens);
  }
  return usd;
}

JudgeOptions RunJudgeOptions(const RunSpec& spec, const RunJudgeContext& context,
                             const RunContext& run) {
  JudgeOptions options;
  options.classifiers_dir = run.classifiers_dir;
  options.judge_model = spec.judge_model;
  options.store = context.store;
  options.run_id = context.run_id;
  options.prompt_dir = spec.judge_prompt_dir;
  for (const auto& [index, extras] : spec.query_extras) {
    if (!extras.judge_question.empty()) options.questions[index] = extras.judge_question;
  }
  return options;
}

}  // namespace

double RunJudges::SpentUsd() const {
  return client && price ? CostUsd(*price, client->usage().tokens) : 0.0;
}

Result<RunJudges> MakeRunJudges(const RunSpec& spec, const RunJudgeContext& context,
                                const RunContext& run) {
  RunJudges judges;
  const std::vector<std::string> ids = DeclaredJudges(spec);
  if (ids.empty()) return judges;
  if (spec.judge_model.empty()) {
    for (const std::string& id : ids) {
      if (run.observer == nullptr) break;
      run.observer->Notice("scenario '" + spec.scenario.name_or_path + "' is scored by judge '" +
                           id + "'; without --judge MODEL this run stores no labels from it and " +
                           "its summary says \"needs judge\"");
    }
    return judges;
  }
  auto price = JudgePrice(spec, context.prices);
  if (!price) return Unexpected{price.error()};
  judges.price = *price;
  auto backend = MakeBackendFor(spec, spec.judge_model, spec.judge_base_url,
                                spec.judge_base_url_from_file, run.environment);
  if (!backend) return Unexpected{backend.error()};
  judges.backend = std::move(*backend);
  // A judge on the model's own endpoint shares its limits; elsewhere it gets the same limits.
  const bool same_endpoint = EndpointOfSpec(spec.judge_model, spec.judge_base_url) ==
                             EndpointOfSpec(spec.model, spec.base_url);
  judges.client = std::make_unique<ModelClient>(
      *judges.backend, ClientOptionsFor(spec, spec.judge_model, context.cancel,
                                        same_endpoint ? context.model_gate : nullptr));
  const JudgeOptions options = RunJudgeOptions(spec, context, run);
  for (const std::string& id : ids) {
    auto judge = MakeClassifier(id, judges.client.get(), options);
    if (!judge) return Unexpected{judge.error()};
    judges.classifiers.push_back(std::move(*judge));
  }
  return judges;
}

Result<double> StoredSpendUsd(Store& store, const std::string& run_id, const ModelPrice& price,
                              const PriceTable& prices) {
  auto samples = store.LoadSamples(run_id);
  if (!samples) return Unexpected{samples.error()};
  auto judges = StoredJudgeSpendUsd(store, run_id, prices);
  if (!judges) return Unexpected{judges.error()};
  return CostUsd(price, StoredUsage(*samples)) + *judges;
}

Result<std::optional<ModelPrice>> PriceForRun(Store& store, const std::string& run_id,
                                              const RunSpec& spec, const RunContext& context) {
  if (context.cost_meter == nullptr) return std::optional<ModelPrice>();
  const ModelPrice* price = context.prices != nullptr ? context.prices->Find(spec.model) : nullptr;
  if (price == nullptr) {
    return Fail(ErrorKind::kInvalidInput,
                "run: --max-cost-usd: the price table has no price for '" + spec.model +
                    "'; add one (--prices FILE, or `prices:` in the experiment file) to run it "
                    "under a budget");
  }
  auto spent = StoredSpendUsd(store, run_id, *price, *context.prices);
  if (!spent) return Unexpected{spent.error()};
  context.cost_meter->AddSpent(*spent);
  if (context.cost_meter->Exceeded()) {
    return Fail(ErrorKind::kInvalidInput, "run: --max-cost-usd: the budget is already spent ($" +
                                              std::to_string(context.cost_meter->TotalUsd()) + ")");
  }
  return std::optional<ModelPrice>(*price);
}

}  // namespace afbench

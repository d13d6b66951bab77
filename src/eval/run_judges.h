// What a Run gets from the scenario library besides its prompt: its judges, and its price under a
// budget. Private to src/eval.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "afbench/classifier.h"
#include "afbench/experiment.h"
#include "afbench/model_client.h"
#include "afbench/runs.h"

namespace afbench {

/// The judges a Run's scenario declares, built when the Run has a judge model; the judge Backend
/// is kept alive beside them. Without a judge model each declared judge is named in a notice and
/// the Run records no labels from it (its summary says "needs judge").
struct RunJudges {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<ModelClient> client;
  std::vector<std::unique_ptr<Classifier>> classifiers;
  std::optional<ModelPrice> price;  ///< The judge model's, under a budget.
  /// What the judges' requests of this invocation cost (0 without a price).
  double SpentUsd() const;
};

/// Where a Run's judges store their calls and whom they share limits with.
struct RunJudgeContext {
  Store* store = nullptr;
  std::string run_id;
  const std::atomic<bool>* cancel = nullptr;
  /// The Run's own gate: shared when the judge is on the model's endpoint.
  std::shared_ptr<RequestGate> model_gate;
  /// Set under a budget: the judge model must then have a price.
  const PriceTable* prices = nullptr;
};

Result<RunJudges> MakeRunJudges(const RunSpec& spec, const RunJudgeContext& judges,
                                const RunContext& context);

/// The model's price when the context has a budget (adding the Run's stored spend to the meter);
/// nullopt without a budget. An error when a budget is set and the model has no price, or when it
/// is already spent.
Result<std::optional<ModelPrice>> PriceForRun(Store& store, const std::string& run_id,
                                              const RunSpec& spec, const RunContext& context);

}  // namespace afbench

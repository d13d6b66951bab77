// Runs as a library: start a Run from a RunSpec, resume a stored one, and what both are made of
// (the plan, the model client's settings, the Backend). `afbench run` parses flags into a RunSpec
// and calls StartRun or ResumeRun; any program that links libafbench can do the same.
//
// A Run is refused before its row exists when its spec cannot run (a bad URL, a missing key
// variable, an absurd plan), and is marked `failed` when it fails after (its judges cannot be
// built, the budget has no price). Once the Runner has run, the outcome says how it ended:
// `completed`, `incomplete` (Samples ended in error: resume sends them again), `interrupted`
// (cancelled) or `failed`. One writer per Run: both functions take the Run's lease first.
//
// Library code never prints: what a user should read goes to the RunObserver. Thread-safe for
// different Runs; a Store may be shared.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "afbench/backend.h"
#include "afbench/experiment.h"
#include "afbench/model_client.h"
#include "afbench/request_gate.h"
#include "afbench/result.h"
#include "afbench/run_spec.h"
#include "afbench/runner.h"
#include "afbench/store.h"

namespace afbench {

/// What a resume applies over the stored spec, each only when set: limits, retries, timeouts and
/// where the same provider's model is reached. Nothing here changes what the model is asked or
/// how its replies are judged.
struct ResumeOverrides {
  std::optional<int> max_connections;
  std::optional<int64_t> requests_per_minute;
  std::optional<int64_t> tokens_per_minute;
  std::optional<int> max_attempts;
  std::optional<int64_t> connect_timeout_ms;
  std::optional<int64_t> request_timeout_ms;
  std::optional<int64_t> idle_timeout_ms;
  std::optional<std::string> base_url;
  std::optional<std::string> judge_base_url;
  bool trust_file_urls = false;  ///< The stored URLs count as named by the user.
  std::optional<bool> stream;    ///< The assembled replies are the same either way.
  /// How the caller names what it set (e.g. the flags given), for the notice that lists them.
  std::vector<std::string> names;
};

/// How a Run ended, once it had started.
struct RunOutcome {
  std::string run_id;
  std::string status;                ///< "completed", "incomplete", "interrupted" or "failed".
  int64_t error_samples = 0;         ///< Samples whose outcome is `error` (resume resends them).
  std::optional<Progress> progress;  ///< The Runner's final Progress, when it finished.
  /// Why the Runner stopped early (kCancelled when interrupted), or why the final status could
  /// not be stored.
  std::optional<Error> error;
  bool budget_stopped = false;  ///< Stopped because the CostMeter's limit was reached.
  double budget_spent_usd = 0;  ///< With budget_stopped: the meter's total and limit.
  double budget_limit_usd = 0;
};

/// What a caller hears while Runs go on. Every method may be called from any thread (cells of an
/// experiment run at the same time); Progressed is serialised per Run. The defaults ignore it.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// One line for the user ("run 2026…: openai/m on helpful-only, 10 queries x 2 tier(s) …").
  virtual void Notice(const std::string& /*line*/) {}
  /// A Run's Runner is about to start (after the notices that describe it).
  virtual void Started(const std::string& /*run_id*/) {}
  virtual void Progressed(const std::string& /*run_id*/, const Progress& /*progress*/) {}
  /// The Run ended; StartRun/ResumeRun return the same outcome.
  virtual void Ended(const RunOutcome& /*outcome*/) {}
};

/// Reads one environment variable (nullopt when unset). API keys and providers' *_BASE_URL
/// variables are read only through it.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// Where a Run finds its inputs and what it shares with other Runs.
struct RunContext {
  std::filesystem::path scenarios_dir;    ///< Built-in scenarios (ScenarioOptions::scenarios_dir).
  std::filesystem::path variations_dir;   ///< Built-in variations.
  std::filesystem::path classifiers_dir;  ///< Judge prompts (JudgeOptions::classifiers_dir).
  /// The providers' key and base-URL variables; empty: none (keys then come from nowhere, which
  /// only keyless servers and llama/ models accept).
  EnvironmentLookup environment;
  const std::atomic<bool>* cancel = nullptr;  ///< Set to stop: the Run ends `interrupted`.
  /// Shared by the Runs of one endpoint; null: the Run gets its own from its spec's limits.
  std::shared_ptr<RequestGate> gate;
  CostMeter* cost_meter = nullptr;     ///< A budget (judge calls included); null: none.
  const PriceTable* prices = nullptr;  ///< Required with cost_meter.
  RunObserver* observer = nullptr;     ///< Null: nobody listens.
};

/// Starts a new Run of `spec` in `store`: loads the scenario, its variations and the dataset,
/// draws a seed when the spec has none (and records it), stores the Run, and runs it.
Result<RunOutcome> StartRun(Store& store, RunSpec spec, const RunContext& context);

/// Resumes `run_id` from its stored spec with `overrides` applied: imports the replies kept in the
/// store's journal, then sends only what was never stored (Samples in error included).
Result<RunOutcome> ResumeRun(Store& store, const std::string& run_id,
                             const ResumeOverrides& overrides, const RunContext& context);

/// Moves the replies kept in the store's journal (commits that failed) into the store and tells
/// the observer (may be null) how many, and which lines it could not read.
Status ImportUnsavedReplies(Store& store, RunObserver* observer);

/// Fills what the scenario library decides: the dataset used, default tiers, the variations' tier
/// tags and no-CoT switch, per-query extras, the compliance rule and the declared judges. Fails
/// when the tiers cannot be shown to the model (ResolveTiers).
Status ApplyCellInputs(const CellInputs& inputs, RunSpec& spec);

/// The Samples of a Run in query-major order, with their rendered user turns.
std::vector<PlannedSample> BuildPlan(const RunSpec& spec, const std::vector<StoredQuery>& queries);

/// The model client's settings for `model` under the Run's retry policy and limits; `gate` (may
/// be null) is shared with other clients of the same endpoint.
ModelClientOptions ClientOptionsFor(const RunSpec& spec, const std::string& model,
                                    const std::atomic<bool>* cancel,
                                    std::shared_ptr<RequestGate> gate);

/// A Backend for `model` with the Run's timeouts. The key comes from the provider's variable
/// through `environment` and goes to `base_url` only when it is the provider's own host or the
/// user named it (not `url_from_file`).
Result<std::unique_ptr<Backend>> MakeBackendFor(const RunSpec& spec, const std::string& model,
                                                const std::string& base_url, bool url_from_file,
                                                const EnvironmentLookup& environment);

/// What a Run's stored turns (at `price`) and stored judge calls (at their models' prices) cost:
/// the spend of its earlier invocations, which a budget counts.
Result<double> StoredSpendUsd(Store& store, const std::string& run_id, const ModelPrice& price,
                              const PriceTable& prices);

}  // namespace afbench

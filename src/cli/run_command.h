// `afbench run`: starts a Run from flags, or resumes one from the Store, and executes it.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "afbench/experiment.h"
#include "afbench/model_client.h"
#include "afbench/request_gate.h"
#include "afbench/runner.h"
#include "run_config.h"

namespace afbench::cli {

/// The flags `afbench run --resume` applies over the stored configuration, each only when given:
/// limits, retries, timeouts and where the same provider's model is reached. Nothing here changes
/// what the model is asked or how its replies are judged.
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
  bool trust_file_urls = false;  ///< --trust-file-urls: the stored URLs count as named by the user.
  std::optional<bool> stream;    ///< --stream/--no-stream: the assembled replies are the same.
  std::vector<std::string> names;  ///< The flags given, for the message that lists them.
};

/// What the command line adds to a RunConfig: where things are and how to talk to the user.
struct RunInvocation {
  std::string db_path = "afbench.db";
  std::string resume_run_id;         ///< Set: resume this Run; the stored configuration is used.
  ResumeOverrides resume_overrides;  ///< With resume_run_id: the flags applied over it.
  std::filesystem::path scenarios_dir;
  bool seed_given = false;  ///< False: a seed is drawn and recorded.
  bool quiet = false;
  const std::atomic<bool>* cancel = nullptr;
  // Scenario library and experiments (issue 6).
  std::filesystem::path variations_dir;
  bool print_summary = true;          ///< False for experiment cells (their grid is printed).
  std::shared_ptr<RequestGate> gate;  ///< Shared by the cells of one endpoint; null: the Run's own.
  CostMeter* cost_meter = nullptr;    ///< Spend against --max-cost-usd; null: no budget.
  const PriceTable* prices = nullptr;  ///< Required with cost_meter.
};

/// Runs (or resumes) and prints the summary. Returns the process exit code (0, 1, 2 or 130).
int RunCommand(RunConfig config, const RunInvocation& invocation);
/// RunCommand with an open Store, shared by the cells of an experiment.
int RunWithStore(Store& store, RunConfig config, const RunInvocation& invocation);
/// Moves the replies kept in the store's journal (commits that failed) into the store, saying so.
Status ImportUnsavedReplies(Store& store);

/// Fills what the scenario library decides: the dataset used, default tiers, the variations' tier
/// tags and no-CoT switch, per-query extras, the compliance rule and the declared judges. Fails
/// when the tiers cannot be shown to the model (ResolveTiers).
Status ApplyCellInputs(const CellInputs& inputs, RunConfig& config);
/// The Samples of a Run in query-major order, with their rendered user turns.
std::vector<PlannedSample> BuildPlan(const RunConfig& config,
                                     const std::vector<StoredQuery>& queries);
/// The model client's settings for `spec` under the Run's retry policy and --max-connections,
/// --rpm, --tpm; `gate` (may be null) is shared with other clients of the same endpoint.
ModelClientOptions ClientOptionsFor(const RunConfig& config, const std::string& spec,
                                    const std::atomic<bool>* cancel,
                                    std::shared_ptr<RequestGate> gate);
/// A Backend for `spec` with the Run's timeouts; the API key comes from the provider's variable
/// and goes to `base_url` only when it is the provider's own host or the user named it (not
/// `url_from_file`).
Result<std::unique_ptr<Backend>> MakeBackendFor(const RunConfig& config, const std::string& spec,
                                                const std::string& base_url, bool url_from_file);

}  // namespace afbench::cli

#include "run_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <thread>

#include "afbench/compliance.h"
#include "afbench/lease.h"
#include "afbench/store.h"
#include "afbench/summary.h"
#include "afbench/version.h"
#include "exit_codes.h"
#include "experiment_command.h"
#include "progress.h"

namespace afbench::cli {
namespace {

/// A Run ready to execute: its id, prompt and the full plan.
struct PreparedRun {
  std::string run_id;
  std::string system_prompt;
  RunConfig config;
  std::vector<PlannedSample> plan;
};

std::string NewRunId() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &utc);
  char suffix[8];
  std::snprintf(suffix, sizeof(suffix), "%04x",
                static_cast<unsigned>(std::random_device{}() & 0xffff));
  return std::string(stamp) + "-" + suffix;
}

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// More Samples than this is a typo (an epochs or limit flag), not an experiment.
constexpr int64_t kMaxPlannedSamples = 10'000'000;

const BackendInfo* FindProvider(const std::string& model) {
  auto spec = ParseModelSpec(model);
  if (!spec) return nullptr;
  for (const BackendInfo& info : BackendTable()) {
    if (spec->first == info.provider) return &info;
  }
  return nullptr;
}

// The base URL in effect, recorded in the Run so that a resume reaches the same server: the flag,
// else the provider's environment variable; empty means the provider's default.
std::string BaseUrlInEffect(const RunConfig& config) {
  if (!config.base_url.empty()) return config.base_url;
  const BackendInfo* info = FindProvider(config.model);
  const char* env = info != nullptr ? std::getenv(info->base_url_env) : nullptr;
  return env != nullptr ? env : "";
}

void PrintEndpoint(const RunConfig& config) {
  if (config.model.starts_with("llama/")) return;
  const BackendInfo* info = FindProvider(config.model);
  const std::string url = !config.base_url.empty() ? config.base_url
                          : info != nullptr        ? info->default_base_url
                                                   : "";
  std::fprintf(stderr, "afbench: sending to %s%s\n", url.c_str(),
               config.base_url.empty() ? " (the provider's default)" : "");
}

// Everything that can be refused is refused before the Run's row exists (or, on resume, before
// its status changes): no "running" zombie.
Status CheckBeforeStarting(const RunConfig& config) {
  if (config.planned_samples > kMaxPlannedSamples) {
    return Fail(ErrorKind::kInvalidInput,
                "run: the plan has " + std::to_string(config.planned_samples) +
                    " samples, over the limit of " + std::to_string(kMaxPlannedSamples) +
                    "; check --limit and --epochs");
  }
  if (!config.judge_model.empty() && !config.judge_model.starts_with("llama/")) {
    auto judge = MakeBackendFor(config, config.judge_model, config.judge_base_url,
                                config.judge_base_url_from_file);
    if (!judge) return Unexpected{judge.error()};
  }
  if (config.model.starts_with("llama/")) return {};  // loading the model is the check
  auto backend = MakeBackendFor(config, config.model, config.base_url, config.base_url_from_file);
  if (!backend) return Unexpected{backend.error()};
  return {};
}

Result<PreparedRun> PrepareNewRun(Store& store, RunConfig config, const RunInvocation& invocation) {
  config.scenario.scenarios_dir = invocation.scenarios_dir;
  auto inputs = LoadCellInputs(
      {config.scenario, config.variations, invocation.variations_dir, config.dataset});
  if (!inputs) return Unexpected{inputs.error()};
  AFBENCH_RETURN_IF_ERROR(ApplyCellInputs(*inputs, config));
  const Scenario* scenario = &inputs->varied.scenario;
  const Dataset* dataset = &inputs->dataset;
  if (!invocation.seed_given) {
    // 53 bits: the seed must survive JSON readers that hold numbers as doubles.
    std::random_device device;
    config.sampling.seed = ((uint64_t{device()} << 32) | device()) & ((uint64_t{1} << 53) - 1);
  }
  std::vector<StoredQuery> queries;
  for (const Query& query : dataset->queries) {
    queries.push_back({query.index, query.text, query.source_line});
  }
  config.planned_samples =
      static_cast<int64_t>(queries.size() * config.tiers.size()) * config.epochs;
  config.base_url = BaseUrlInEffect(config);
  AFBENCH_RETURN_IF_ERROR(CheckBeforeStarting(config));

  RunRecord run;
  run.run_id = NewRunId();
  run.created_at = NowUtc();
  run.status = "running";
  run.model = config.model;
  run.scenario = scenario->name;
  run.prompt_hash = scenario->prompt_hash;
  run.afbench_version = Version();
  run.git_commit = GitCommit();
  run.seed = *config.sampling.seed;
  run.config_json = RunConfigToJson(config);
  run.system_prompt = scenario->system_prompt;
  AFBENCH_RETURN_IF_ERROR(store.CreateRun(run, queries));
  std::fprintf(
      stderr, "afbench: run %s: %s on %s, %zu queries x %zu tier(s) x %d epoch(s) = %lld samples\n",
      run.run_id.c_str(), run.model.c_str(), run.scenario.c_str(), queries.size(),
      config.tiers.size(), config.epochs, static_cast<long long>(config.planned_samples));
  PrintEndpoint(config);
  return PreparedRun{run.run_id, run.system_prompt, config, BuildPlan(config, queries)};
}

// Only limits, retries, timeouts and endpoints: nothing that changes what is asked or sampled.
void ApplyResumeOverrides(const ResumeOverrides& overrides, RunConfig& config) {
  config.max_connections = overrides.max_connections.value_or(config.max_connections);
  config.requests_per_minute = overrides.requests_per_minute.value_or(config.requests_per_minute);
  config.tokens_per_minute = overrides.tokens_per_minute.value_or(config.tokens_per_minute);
  config.retry.max_attempts = overrides.max_attempts.value_or(config.retry.max_attempts);
  config.connect_timeout_ms = overrides.connect_timeout_ms.value_or(config.connect_timeout_ms);
  config.request_timeout_ms = overrides.request_timeout_ms.value_or(config.request_timeout_ms);
  config.idle_timeout_ms = overrides.idle_timeout_ms.value_or(config.idle_timeout_ms);
  config.base_url = overrides.base_url.value_or(config.base_url);
  config.judge_base_url = overrides.judge_base_url.value_or(config.judge_base_url);
  config.stream = overrides.stream.value_or(config.stream);
  if (overrides.base_url || overrides.trust_file_urls) config.base_url_from_file = false;
  if (overrides.judge_base_url || overrides.trust_file_urls)
    config.judge_base_url_from_file = false;
  if (overrides.names.empty()) return;
  std::string names;
  for (const std::string& name : overrides.names) names += (names.empty() ? "" : ", ") + name;
  std::fprintf(stderr, "afbench: resume applies %s over the stored configuration\n", names.c_str());
}

Result<PreparedRun> PrepareResume(Store& store, const std::string& run_id,
                                  const RunInvocation& invocation) {
  auto run = store.LoadRun(run_id);
  if (!run) return Unexpected{run.error()};
  auto config = RunConfigFromJson(run->config_json);
  if (!config) return Unexpected{WithContext(config.error(), "run " + run_id)};
  ApplyResumeOverrides(invocation.resume_overrides, *config);
  config->scenario.scenarios_dir = invocation.scenarios_dir;
  auto queries = store.LoadQueries(run_id);
  if (!queries) return Unexpected{queries.error()};
  std::fprintf(stderr, "afbench: resuming run %s (%s, status %s)\n", run_id.c_str(),
               run->model.c_str(), run->status.c_str());
  AFBENCH_RETURN_IF_ERROR(CheckBeforeStarting(*config));  // a bad --base-url leaves the status be
  PrintEndpoint(*config);
  AFBENCH_RETURN_IF_ERROR(store.SetRunStatus(run_id, "running", false));
  return PreparedRun{run_id, run->system_prompt, *config, BuildPlan(*config, *queries)};
}

/// One flag for the Runner to watch: set when the user interrupts or when the budget is spent.
class StopSignal {
 public:
  explicit StopSignal(const std::atomic<bool>* user) : user_(user), watcher_([this] { Watch(); }) {}
  ~StopSignal() {
    done_ = true;
    watcher_.join();
  }
  const std::atomic<bool>* flag() const { return &stop_; }
  void StopForBudget() {
    budget_ = true;
    stop_ = true;
  }
  bool budget() const { return budget_; }

 private:
  void Watch() {
    while (!done_) {
      if (user_ != nullptr && user_->load()) stop_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  const std::atomic<bool>* user_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> budget_{false};
  std::atomic<bool> done_{false};
  std::thread watcher_;  // Last: it starts once the flags above exist.
};

RunnerOptions RunnerOptionsFor(const RunConfig& config) {
  RunnerOptions options;
  options.max_connections = config.max_connections;
  options.protocol = config.protocol;
  options.sampling = config.sampling;
  return options;
}

// "completed" only when every Sample has a result; error outcomes are the machinery's, and a
// resume sends them again.
std::string RunStatus(const Result<Progress>& progress, int64_t errors) {
  if (progress) return errors > 0 ? "incomplete" : "completed";
  return progress.error().kind == ErrorKind::kCancelled ? "interrupted" : "failed";
}

int64_t ErrorOutcomes(const Result<Progress>& progress) {
  if (!progress) return 0;
  auto found = progress->outcomes.find(Outcome::kError);
  return found == progress->outcomes.end() ? 0 : found->second;
}

int FinishRun(Store& store, const PreparedRun& prepared, const RunInvocation& invocation,
              const Result<Progress>& progress, bool budget_stop) {
  const int64_t errors = ErrorOutcomes(progress);
  const std::string status = RunStatus(progress, errors);
  Status saved = store.SetRunStatus(prepared.run_id, status, status == "completed");
  if (!progress && budget_stop) {
    std::fprintf(stderr,
                 "afbench: run %s stopped: budget of $%.2f reached ($%.2f spent); raise "
                 "--max-cost-usd and run again to continue\n",
                 prepared.run_id.c_str(), invocation.cost_meter->limit_usd().value_or(0),
                 invocation.cost_meter->TotalUsd());
    return kExitFailure;
  }
  if (!progress) {
    std::fprintf(stderr, "afbench: run %s %s; continue with: afbench run --resume %s --db %s\n",
                 prepared.run_id.c_str(), status.c_str(), prepared.run_id.c_str(),
                 invocation.db_path.c_str());
    return ReportError(progress.error());
  }
  if (!saved) return ReportError(saved.error());
  const int summary =
      invocation.print_summary ? PrintRunSummary(store, prepared.run_id, SummaryOutput{}) : kExitOk;
  if (errors == 0) return summary;
  std::fprintf(stderr,
               "afbench: run %s incomplete: %lld sample(s) ended in error (the machinery failed, "
               "not the model); send them again with: afbench run --resume %s --db %s\n",
               prepared.run_id.c_str(), static_cast<long long>(errors), prepared.run_id.c_str(),
               invocation.db_path.c_str());
  return kExitFailure;
}

// A Run that could not start is `failed`, never left `running`.
int FailBeforeStart(Store& store, const PreparedRun& prepared, const Error& error) {
  (void)store.SetRunStatus(prepared.run_id, "failed", false);
  return ReportError(error);
}

int Execute(Store& store, const PreparedRun& prepared, const RunInvocation& invocation) {
  const RunConfig& config = prepared.config;
  auto backend = MakeBackendFor(config, config.model, config.base_url, config.base_url_from_file);
  if (!backend) return FailBeforeStart(store, prepared, backend.error());
  auto price = PriceForRun(store, prepared.run_id, config, invocation);
  if (!price) return FailBeforeStart(store, prepared, price.error());
  StopSignal stop(invocation.cancel);
  ModelClient client(**backend,
                     ClientOptionsFor(config, config.model, stop.flag(), invocation.gate));
  auto judges =
      MakeRunJudges(config, {&store, prepared.run_id, stop.flag(), client.shared_gate(),
                             invocation.cost_meter != nullptr ? invocation.prices : nullptr});
  if (!judges) return FailBeforeStart(store, prepared, judges.error());
  ComplianceTagClassifier compliance;
  ProgressPrinter printer(stderr);
  RunnerOptions options = RunnerOptionsFor(config);
  options.classifiers = {&compliance};
  for (const auto& judge : judges->classifiers) options.classifiers.push_back(judge.get());
  options.cancel = stop.flag();
  CostMeter* meter = invocation.cost_meter;
  options.on_progress = [&](const Progress& p) {
    if (!invocation.quiet) printer.Update(p);
    if (meter == nullptr || !price->has_value()) return;
    meter->Report(prepared.run_id, CostUsd(**price, p.usage) + judges->SpentUsd());
    if (meter->Exceeded()) stop.StopForBudget();
  };
  auto progress =
      ExecuteRun(store, client, prepared.run_id, prepared.system_prompt, prepared.plan, options);
  if (!invocation.quiet && progress) printer.Finish(*progress);
  return FinishRun(store, prepared, invocation, progress, stop.budget());
}

}  // namespace

ModelClientOptions ClientOptionsFor(const RunConfig& config, const std::string& spec,
                                    const std::atomic<bool>* cancel,
                                    std::shared_ptr<RequestGate> gate) {
  ModelClientOptions options;
  options.model = spec;
  options.retry = config.retry;
  options.gate = std::move(gate);
  options.gate_options = {config.max_connections, config.requests_per_minute,
                          config.tokens_per_minute};
  options.cancel = cancel;
  return options;
}

// The only place the API key is read: from the environment, into memory, never into the config.
Result<std::unique_ptr<Backend>> MakeBackendFor(const RunConfig& config, const std::string& spec,
                                                const std::string& base_url, bool url_from_file) {
  // The in-process engine takes the Run's engine settings; MakeBackend knows only its defaults.
  if (spec.starts_with("llama/")) return MakeLlamaBackend(LlamaBackendOptionsFor(config, spec));
  BackendOptions options;
  options.spec = spec;
  options.base_url = base_url;
  options.connect_timeout_ms = config.connect_timeout_ms;
  options.request_timeout_ms = config.request_timeout_ms;
  options.idle_timeout_ms = config.idle_timeout_ms;
  options.base_url_named = !url_from_file;  // a flag, the environment, or a run resumed from them
  options.stream = config.stream;
  if (const BackendInfo* info = FindProvider(spec)) {
    const char* key = std::getenv(info->api_key_env);
    if (key != nullptr) options.api_key = key;
    const char* env_base_url = std::getenv(info->base_url_env);
    if (options.base_url.empty() && env_base_url != nullptr) options.base_url = env_base_url;
  }
  return MakeBackend(options);
}

Status ApplyCellInputs(const CellInputs& inputs, RunConfig& config) {
  auto tiers = ResolveTiers(config.tiers, inputs);
  if (!tiers) return Unexpected{tiers.error()};
  config.tiers = std::move(*tiers);
  config.dataset = inputs.dataset_options;
  config.dataset_hash = inputs.dataset.content_hash;
  config.user_suffix = inputs.varied.scenario.user_suffix;
  if (inputs.varied.no_cot.value_or(false)) {
    config.protocol.no_cot = true;
    config.protocol.max_turns = 1;
  }
  config.tier_tags = inputs.varied.tier_tags;
  config.query_extras = inputs.extras;
  config.compliance = inputs.evaluation.compliance;
  config.judges = inputs.evaluation.judges;
  config.judge_prompt_dir = inputs.evaluation.judge_prompt_dir.string();
  return {};
}

// Query-major order: an interrupted Run has both Tiers of its first queries, so its pairs are
// usable.
std::vector<PlannedSample> BuildPlan(const RunConfig& config,
                                     const std::vector<StoredQuery>& queries) {
  std::vector<PlannedSample> plan;
  std::string_view suffix = config.user_turn.suffix ? config.user_suffix : std::string_view();
  for (const StoredQuery& query : queries) {
    TurnTags tags;
    auto extra = config.query_extras.find(query.query_index);
    if (extra != config.query_extras.end()) tags.extra = extra->second.tags;
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
      for (Tier tier : config.tiers) {
        auto tag = config.tier_tags.find(tier);
        tags.tier_tag = tag == config.tier_tags.end() ? std::nullopt : std::optional(tag->second);
        plan.push_back({{query.query_index, tier, epoch},
                        query.text,
                        RenderTaggedUserTurn(query.text, tier, config.user_turn, suffix, tags)});
      }
    }
  }
  return plan;
}

Status ImportUnsavedReplies(Store& store) {
  auto imported = store.ImportJournal();
  if (!imported) return Unexpected{imported.error()};
  if (imported->imported > 0) {
    std::fprintf(stderr, "afbench: imported %lld unsaved replies from %s\n",
                 static_cast<long long>(imported->imported), store.journal_path().c_str());
  }
  for (const std::string& line : imported->unreadable) {
    std::fprintf(stderr, "afbench: warning: cannot read %s (left in the journal)\n", line.c_str());
  }
  return {};
}

int RunWithStore(Store& store, RunConfig config, const RunInvocation& invocation) {
  // One writer per Run: a resume takes the lease before it touches anything, then takes in the
  // replies an earlier process paid for but could not commit.
  std::unique_ptr<Lease> lease;
  if (!invocation.resume_run_id.empty()) {
    auto taken = Lease::Acquire(store, "run/" + invocation.resume_run_id);
    if (!taken) return ReportError(taken.error());
    lease = std::move(*taken);
    if (Status imported = ImportUnsavedReplies(store); !imported) {
      return ReportError(imported.error());
    }
  }
  auto prepared = invocation.resume_run_id.empty()
                      ? PrepareNewRun(store, std::move(config), invocation)
                      : PrepareResume(store, invocation.resume_run_id, invocation);
  if (!prepared) return ReportError(prepared.error());
  if (!lease) {
    auto taken = Lease::Acquire(store, "run/" + prepared->run_id);
    if (!taken) return FailBeforeStart(store, *prepared, taken.error());
    lease = std::move(*taken);
  }
  return Execute(store, *prepared, invocation);
}

int RunCommand(RunConfig config, const RunInvocation& invocation) {
  auto store = Store::Open(invocation.db_path);
  if (!store) return ReportError(store.error());
  return RunWithStore(**store, std::move(config), invocation);
}

}  // namespace afbench::cli

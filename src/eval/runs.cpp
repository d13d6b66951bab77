#include "afbench/runs.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "afbench/backends.h"
#include "afbench/compliance.h"
#include "afbench/hash.h"
#include "afbench/lease.h"
#include "afbench/llama_backend.h"
#include "afbench/utc_time.h"
#include "afbench/version.h"
#include "run_judges.h"

namespace afbench {
namespace {

/// A Run ready to execute: its id, prompt and the full plan.
struct PreparedRun {
  std::string run_id;
  std::string system_prompt;
  RunSpec spec;
  std::vector<PlannedSample> plan;
};

std::string NewRunId() {
  char suffix[8];
  std::snprintf(suffix, sizeof(suffix), "%04x",
                static_cast<unsigned>(std::random_device{}() & 0xffff));
  return UtcNow("%Y%m%d-%H%M%S") + "-" + suffix;
}

// More Samples than this is a typo (an epochs or limit flag), not an experiment.
constexpr int64_t kMaxPlannedSamples = 10'000'000;

void Notify(const RunContext& context, const std::string& line) {
  if (context.observer != nullptr) context.observer->Notice(line);
}

const BackendInfo* FindProvider(const std::string& model) {
  auto spec = ParseModelSpec(model);
  if (!spec) return nullptr;
  for (const BackendInfo& info : BackendTable()) {
    if (spec->first == info.provider) return &info;
  }
  return nullptr;
}

std::optional<std::string> Lookup(const EnvironmentLookup& environment, const char* name) {
  return environment ? environment(name) : std::nullopt;
}

// The base URL in effect, recorded in the Run so that a resume reaches the same server: the spec's,
// else the provider's environment variable; empty means the provider's default.
std::string BaseUrlInEffect(const RunSpec& spec, const RunContext& context) {
  if (!spec.base_url.empty()) return spec.base_url;
  const BackendInfo* info = FindProvider(spec.model);
  if (info == nullptr) return "";
  return Lookup(context.environment, info->base_url_env).value_or("");
}

void NotifyEndpoint(const RunSpec& spec, const RunContext& context) {
  if (spec.model.starts_with("llama/")) return;
  const BackendInfo* info = FindProvider(spec.model);
  const std::string url = !spec.base_url.empty() ? spec.base_url
                          : info != nullptr      ? info->default_base_url
                                                 : "";
  Notify(context, "sending to " + url + (spec.base_url.empty() ? " (the provider's default)" : ""));
}

// Everything that can be refused is refused before the Run's row exists (or, on resume, before
// its status changes): no "running" zombie.
Status CheckBeforeStarting(const RunSpec& spec, const RunContext& context) {
  if (spec.planned_samples > kMaxPlannedSamples) {
    return Fail(ErrorKind::kInvalidInput,
                "run: the plan has " + std::to_string(spec.planned_samples) +
                    " samples, over the limit of " + std::to_string(kMaxPlannedSamples) +
                    "; check --limit and --epochs");
  }
  if (!spec.judge_model.empty() && !spec.judge_model.starts_with("llama/")) {
    auto judge = MakeBackendFor(spec, spec.judge_model, spec.judge_base_url,
                                spec.judge_base_url_from_file, context.environment);
    if (!judge) return Unexpected{judge.error()};
  }
  if (spec.model.starts_with("llama/")) return {};  // loading the model is the check
  auto backend =
      MakeBackendFor(spec, spec.model, spec.base_url, spec.base_url_from_file, context.environment);
  if (!backend) return Unexpected{backend.error()};
  return {};
}

// llama/: the GGUF file's SHA-256, recorded in the spec when a Run starts; on resume a file that
// changed since is refused (its replies would not be the same model's).
Status RecordModelFile(RunSpec& spec, const std::string& run) {
  if (!spec.model.starts_with("llama/")) return {};
  const std::string path = LlamaBackendOptionsFor(spec, spec.model).model_path;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(ErrorKind::kNotFound, run + ": llama model " + path + ": no such model file");
  }
  auto hash = Sha256FileHex(path);
  if (!hash) return Unexpected{WithContext(hash.error(), run + ": llama model")};
  if (!spec.model_sha256.empty() && spec.model_sha256 != *hash) {
    return Fail(ErrorKind::kInvalidInput, run + ": " + path +
                                              " changed since the run started (SHA-256 " +
                                              spec.model_sha256.substr(0, 12) + "... then, " +
                                              hash->substr(0, 12) + "... now): start a new run");
  }
  spec.model_sha256 = *hash;
  return {};
}

// 53 bits: the seed must survive JSON readers that hold numbers as doubles.
uint64_t DrawSeed() {
  std::random_device device;
  return ((uint64_t{device()} << 32) | device()) & ((uint64_t{1} << 53) - 1);
}

RunRecord NewRunRecord(const RunSpec& spec, const Scenario& scenario) {
  RunRecord run;
  run.run_id = NewRunId();
  run.created_at = UtcNow();
  run.status = "running";
  run.model = spec.model;
  run.scenario = scenario.name;
  run.prompt_hash = scenario.prompt_hash;
  run.afbench_version = Version();
  run.git_commit = GitCommit();
  run.seed = *spec.sampling.seed;
  run.config_json = RunSpecToJson(spec);
  run.system_prompt = scenario.system_prompt;
  return run;
}

Result<PreparedRun> PrepareNewRun(Store& store, RunSpec spec, const RunContext& context) {
  spec.scenario.scenarios_dir = context.scenarios_dir;
  auto inputs =
      LoadCellInputs({spec.scenario, spec.variations, context.variations_dir, spec.dataset});
  if (!inputs) return Unexpected{inputs.error()};
  AFBENCH_RETURN_IF_ERROR(ApplyCellInputs(*inputs, spec));
  if (!spec.sampling.seed) spec.sampling.seed = DrawSeed();
  std::vector<StoredQuery> queries;
  for (const Query& query : inputs->dataset.queries) {
    queries.push_back({query.index, query.text, query.source_line});
  }
  spec.planned_samples = static_cast<int64_t>(queries.size() * spec.tiers.size()) * spec.epochs;
  spec.base_url = BaseUrlInEffect(spec, context);
  AFBENCH_RETURN_IF_ERROR(CheckBeforeStarting(spec, context));
  AFBENCH_RETURN_IF_ERROR(RecordModelFile(spec, "run"));
  const RunRecord run = NewRunRecord(spec, inputs->varied.scenario);
  AFBENCH_RETURN_IF_ERROR(store.CreateRun(run, queries));
  Notify(context, "run " + run.run_id + ": " + run.model + " on " + run.scenario + ", " +
                      std::to_string(queries.size()) + " queries x " +
                      std::to_string(spec.tiers.size()) + " tier(s) x " +
                      std::to_string(spec.epochs) +
                      " epoch(s) = " + std::to_string(spec.planned_samples) + " samples");
  NotifyEndpoint(spec, context);
  return PreparedRun{run.run_id, run.system_prompt, spec, BuildPlan(spec, queries)};
}

// Only limits, retries, timeouts and endpoints: nothing that changes what is asked or sampled.
void ApplyResumeOverrides(const ResumeOverrides& overrides, RunSpec& spec) {
  spec.max_connections = overrides.max_connections.value_or(spec.max_connections);
  spec.requests_per_minute = overrides.requests_per_minute.value_or(spec.requests_per_minute);
  spec.tokens_per_minute = overrides.tokens_per_minute.value_or(spec.tokens_per_minute);
  spec.retry.max_attempts = overrides.max_attempts.value_or(spec.retry.max_attempts);
  spec.connect_timeout_ms = overrides.connect_timeout_ms.value_or(spec.connect_timeout_ms);
  spec.request_timeout_ms = overrides.request_timeout_ms.value_or(spec.request_timeout_ms);
  spec.idle_timeout_ms = overrides.idle_timeout_ms.value_or(spec.idle_timeout_ms);
  spec.base_url = overrides.base_url.value_or(spec.base_url);
  spec.judge_base_url = overrides.judge_base_url.value_or(spec.judge_base_url);
  spec.stream = overrides.stream.value_or(spec.stream);
  if (overrides.base_url || overrides.trust_file_urls) spec.base_url_from_file = false;
  if (overrides.judge_base_url || overrides.trust_file_urls) spec.judge_base_url_from_file = false;
}

std::string Listed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

Result<PreparedRun> PrepareResume(Store& store, const std::string& run_id,
                                  const ResumeOverrides& overrides, const RunContext& context) {
  auto run = store.LoadRun(run_id);
  if (!run) return Unexpected{run.error()};
  auto spec = RunSpecFromJson(run->config_json);
  if (!spec) return Unexpected{WithContext(spec.error(), "run " + run_id)};
  ApplyResumeOverrides(overrides, *spec);
  if (!overrides.names.empty()) {
    Notify(context, "resume applies " + Listed(overrides.names) + " over the stored configuration");
  }
  spec->scenario.scenarios_dir = context.scenarios_dir;
  auto queries = store.LoadQueries(run_id);
  if (!queries) return Unexpected{queries.error()};
  Notify(context, "resuming run " + run_id + " (" + run->model + ", status " + run->status + ")");
  AFBENCH_RETURN_IF_ERROR(CheckBeforeStarting(*spec, context));  // a bad URL leaves the status be
  AFBENCH_RETURN_IF_ERROR(RecordModelFile(*spec, "run " + run_id));
  NotifyEndpoint(*spec, context);
  AFBENCH_RETURN_IF_ERROR(store.SetRunStatus(run_id, "running", false));
  return PreparedRun{run_id, run->system_prompt, *spec, BuildPlan(*spec, *queries)};
}

/// One flag for the Runner to watch: set when the caller cancels or when the budget is spent.
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

RunnerOptions RunnerOptionsFor(const RunSpec& spec) {
  RunnerOptions options;
  options.max_connections = spec.max_connections;
  options.protocol = spec.protocol;
  options.sampling = spec.sampling;
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

RunOutcome Finish(Store& store, const PreparedRun& prepared, const RunContext& context,
                  const Result<Progress>& progress, bool budget_stop) {
  RunOutcome outcome;
  outcome.run_id = prepared.run_id;
  outcome.error_samples = ErrorOutcomes(progress);
  outcome.status = RunStatus(progress, outcome.error_samples);
  Status saved = store.SetRunStatus(prepared.run_id, outcome.status, outcome.status == "completed");
  if (progress) outcome.progress = *progress;
  if (!progress) {
    outcome.error = progress.error();
  } else if (!saved) {
    outcome.error = saved.error();
  }
  if (!progress && budget_stop && context.cost_meter != nullptr) {
    outcome.budget_stopped = true;
    outcome.budget_spent_usd = context.cost_meter->TotalUsd();
    outcome.budget_limit_usd = context.cost_meter->limit_usd().value_or(0);
  }
  if (context.observer != nullptr) context.observer->Ended(outcome);
  return outcome;
}

// A Run that could not start is `failed`, never left `running`.
Unexpected FailBeforeStart(Store& store, const PreparedRun& prepared, const Error& error) {
  (void)store.SetRunStatus(prepared.run_id, "failed", false);
  return Unexpected{error};
}

Result<RunOutcome> Execute(Store& store, const PreparedRun& prepared, const RunContext& context) {
  const RunSpec& spec = prepared.spec;
  auto backend =
      MakeBackendFor(spec, spec.model, spec.base_url, spec.base_url_from_file, context.environment);
  if (!backend) return FailBeforeStart(store, prepared, backend.error());
  auto price = PriceForRun(store, prepared.run_id, spec, context);
  if (!price) return FailBeforeStart(store, prepared, price.error());
  StopSignal stop(context.cancel);
  ModelClient client(**backend, ClientOptionsFor(spec, spec.model, stop.flag(), context.gate));
  auto judges = MakeRunJudges(spec,
                              {&store, prepared.run_id, stop.flag(), client.shared_gate(),
                               context.cost_meter != nullptr ? context.prices : nullptr},
                              context);
  if (!judges) return FailBeforeStart(store, prepared, judges.error());
  ComplianceTagClassifier compliance;
  RunnerOptions options = RunnerOptionsFor(spec);
  options.classifiers = {&compliance};
  for (const auto& judge : judges->classifiers) options.classifiers.push_back(judge.get());
  options.cancel = stop.flag();
  CostMeter* meter = context.cost_meter;
  options.on_progress = [&](const Progress& p) {
    if (context.observer != nullptr) context.observer->Progressed(prepared.run_id, p);
    if (meter == nullptr || !price->has_value()) return;
    meter->Report(prepared.run_id, CostUsd(**price, p.usage) + judges->SpentUsd());
    if (meter->Exceeded()) stop.StopForBudget();
  };
  if (context.observer != nullptr) context.observer->Started(prepared.run_id);
  auto progress =
      ExecuteRun(store, client, prepared.run_id, prepared.system_prompt, prepared.plan, options);
  return Finish(store, prepared, context, progress, stop.budget());
}

}  // namespace

ModelClientOptions ClientOptionsFor(const RunSpec& spec, const std::string& model,
                                    const std::atomic<bool>* cancel,
                                    std::shared_ptr<RequestGate> gate) {
  ModelClientOptions options;
  options.model = model;
  options.retry = spec.retry;
  options.gate = std::move(gate);
  options.gate_options = {spec.max_connections, spec.requests_per_minute, spec.tokens_per_minute};
  options.cancel = cancel;
  return options;
}

// The key is read through the caller's environment lookup, into memory, never into the spec.
Result<std::unique_ptr<Backend>> MakeBackendFor(const RunSpec& spec, const std::string& model,
                                                const std::string& base_url, bool url_from_file,
                                                const EnvironmentLookup& environment) {
  // The in-process engine takes the Run's engine settings; MakeBackend knows only its defaults.
  if (model.starts_with("llama/")) return MakeLlamaBackend(LlamaBackendOptionsFor(spec, model));
  BackendOptions options;
  options.spec = model;
  options.base_url = base_url;
  options.connect_timeout_ms = spec.connect_timeout_ms;
  options.request_timeout_ms = spec.request_timeout_ms;
  options.idle_timeout_ms = spec.idle_timeout_ms;
  options.base_url_named = !url_from_file;  // a flag, the environment, or a run resumed from them
  options.stream = spec.stream;
  if (const BackendInfo* info = FindProvider(model)) {
    options.api_key = Lookup(environment, info->api_key_env).value_or("");
    if (options.base_url.empty()) {
      options.base_url = Lookup(environment, info->base_url_env).value_or("");
    }
  }
  return MakeBackend(options);
}

Status ApplyCellInputs(const CellInputs& inputs, RunSpec& spec) {
  auto tiers = ResolveTiers(spec.tiers, inputs);
  if (!tiers) return Unexpected{tiers.error()};
  spec.tiers = std::move(*tiers);
  spec.dataset = inputs.dataset_options;
  spec.dataset_hash = inputs.dataset.content_hash;
  spec.user_suffix = inputs.varied.scenario.user_suffix;
  if (inputs.varied.no_cot.value_or(false)) {
    spec.protocol.no_cot = true;
    spec.protocol.max_turns = 1;
  }
  spec.tier_tags = inputs.varied.tier_tags;
  spec.query_extras = inputs.extras;
  spec.compliance = inputs.evaluation.compliance;
  spec.judges = inputs.evaluation.judges;
  spec.judge_prompt_dir = inputs.evaluation.judge_prompt_dir.string();
  return {};
}

// Query-major order: an interrupted Run has both Tiers of its first queries, so its pairs are
// usable.
std::vector<PlannedSample> BuildPlan(const RunSpec& spec, const std::vector<StoredQuery>& queries) {
  std::vector<PlannedSample> plan;
  std::string_view suffix = spec.user_turn.suffix ? spec.user_suffix : std::string_view();
  for (const StoredQuery& query : queries) {
    TurnTags tags;
    auto extra = spec.query_extras.find(query.query_index);
    if (extra != spec.query_extras.end()) tags.extra = extra->second.tags;
    for (int epoch = 0; epoch < spec.epochs; ++epoch) {
      for (Tier tier : spec.tiers) {
        auto tag = spec.tier_tags.find(tier);
        tags.tier_tag = tag == spec.tier_tags.end() ? std::nullopt : std::optional(tag->second);
        plan.push_back({{query.query_index, tier, epoch},
                        query.text,
                        RenderTaggedUserTurn(query.text, tier, spec.user_turn, suffix, tags)});
      }
    }
  }
  return plan;
}

Status ImportUnsavedReplies(Store& store, RunObserver* observer) {
  auto imported = store.ImportJournal();
  if (!imported) return Unexpected{imported.error()};
  if (observer == nullptr) return {};
  if (imported->imported > 0) {
    observer->Notice("imported " + std::to_string(imported->imported) + " unsaved replies from " +
                     store.journal_path());
  }
  for (const std::string& line : imported->unreadable) {
    observer->Notice("warning: cannot read " + line + " (left in the journal)");
  }
  return {};
}

Result<RunOutcome> StartRun(Store& store, RunSpec spec, const RunContext& context) {
  auto prepared = PrepareNewRun(store, std::move(spec), context);
  if (!prepared) return Unexpected{prepared.error()};
  auto lease = Lease::Acquire(store, "run/" + prepared->run_id);
  if (!lease) return FailBeforeStart(store, *prepared, lease.error());
  return Execute(store, *prepared, context);
}

Result<RunOutcome> ResumeRun(Store& store, const std::string& run_id,
                             const ResumeOverrides& overrides, const RunContext& context) {
  // One writer per Run: the lease comes before anything is touched, then the replies an earlier
  // process paid for but could not commit.
  auto lease = Lease::Acquire(store, "run/" + run_id);
  if (!lease) return Unexpected{lease.error()};
  AFBENCH_RETURN_IF_ERROR(ImportUnsavedReplies(store, context.observer));
  auto prepared = PrepareResume(store, run_id, overrides, context);
  if (!prepared) return Unexpected{prepared.error()};
  return Execute(store, *prepared, context);
}

}  // namespace afbench

#include "run_command.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

#include "afbench/compliance.h"
#include "afbench/store.h"
#include "afbench/summary.h"
#include "afbench/version.h"
#include "exit_codes.h"
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
  std::snprintf(suffix, sizeof(suffix), "%04x", static_cast<unsigned>(std::random_device{}() & 0xffff));
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

// Query-major order: an interrupted Run has both Tiers of its first queries, so its pairs are usable.
std::vector<PlannedSample> BuildPlan(const RunConfig& config, const std::vector<StoredQuery>& queries) {
  std::vector<PlannedSample> plan;
  std::string_view suffix = config.user_turn.suffix ? config.user_suffix : std::string_view();
  for (const StoredQuery& query : queries) {
    for (int epoch = 0; epoch < config.epochs; ++epoch) {
      for (Tier tier : config.tiers) {
        plan.push_back({{query.query_index, tier, epoch},
                        query.text,
                        RenderUserTurn(query.text, tier, config.user_turn, suffix)});
      }
    }
  }
  return plan;
}

Result<PreparedRun> PrepareNewRun(Store& store, RunConfig config, const RunInvocation& invocation) {
  config.scenario.scenarios_dir = invocation.scenarios_dir;
  auto scenario = LoadScenario(config.scenario);
  if (!scenario) return Unexpected{scenario.error()};
  auto dataset = LoadDataset(config.dataset);
  if (!dataset) return Unexpected{dataset.error()};
  if (!invocation.seed_given) {
    // 53 bits: the seed must survive JSON readers that hold numbers as doubles.
    std::random_device device;
    config.sampling.seed = ((uint64_t{device()} << 32) | device()) & ((uint64_t{1} << 53) - 1);
  }
  config.dataset_hash = dataset->content_hash;
  config.user_suffix = scenario->user_suffix;
  std::vector<StoredQuery> queries;
  for (const Query& query : dataset->queries) {
    queries.push_back({query.index, query.text, query.source_line});
  }
  config.planned_samples =
      static_cast<int64_t>(queries.size() * config.tiers.size()) * config.epochs;

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
  std::fprintf(stderr, "afbench: run %s: %s on %s, %zu queries x %zu tier(s) x %d epoch(s) = %lld samples\n",
               run.run_id.c_str(), run.model.c_str(), run.scenario.c_str(), queries.size(),
               config.tiers.size(), config.epochs, static_cast<long long>(config.planned_samples));
  return PreparedRun{run.run_id, run.system_prompt, config, BuildPlan(config, queries)};
}

Result<PreparedRun> PrepareResume(Store& store, const std::string& run_id, const RunInvocation& invocation,
                                  int max_connections_override) {
  auto run = store.LoadRun(run_id);
  if (!run) return Unexpected{run.error()};
  auto config = RunConfigFromJson(run->config_json);
  if (!config) return Unexpected{WithContext(config.error(), "run " + run_id)};
  if (max_connections_override > 0) config->max_connections = max_connections_override;
  config->scenario.scenarios_dir = invocation.scenarios_dir;
  auto queries = store.LoadQueries(run_id);
  if (!queries) return Unexpected{queries.error()};
  std::fprintf(stderr, "afbench: resuming run %s (%s, status %s)\n", run_id.c_str(), run->model.c_str(),
               run->status.c_str());
  AFBENCH_RETURN_IF_ERROR(store.SetRunStatus(run_id, "running", false));
  return PreparedRun{run_id, run->system_prompt, *config, BuildPlan(*config, *queries)};
}

const BackendInfo* FindProvider(const std::string& model) {
  auto spec = ParseModelSpec(model);
  if (!spec) return nullptr;
  for (const BackendInfo& info : BackendTable()) {
    if (spec->first == info.provider) return &info;
  }
  return nullptr;
}

// The only place the API key is read: from the environment, into memory, never into the config.
Result<std::unique_ptr<Backend>> BackendFor(const RunConfig& config) {
  BackendOptions options;
  options.spec = config.model;
  options.base_url = config.base_url;
  options.connect_timeout_ms = config.connect_timeout_ms;
  options.request_timeout_ms = config.request_timeout_ms;
  options.idle_timeout_ms = config.idle_timeout_ms;
  if (const BackendInfo* info = FindProvider(config.model)) {
    const char* key = std::getenv(info->api_key_env);
    if (key != nullptr) options.api_key = key;
    const char* base_url = std::getenv(info->base_url_env);
    if (options.base_url.empty() && base_url != nullptr) options.base_url = base_url;
  }
  return MakeBackend(options);
}

int Execute(Store& store, const PreparedRun& prepared, const RunInvocation& invocation) {
  auto backend = BackendFor(prepared.config);
  if (!backend) return ReportError(backend.error());
  ComplianceTagClassifier compliance;
  ProgressPrinter printer(stderr);
  RunnerOptions options;
  options.max_connections = prepared.config.max_connections;
  options.requests_per_minute = prepared.config.requests_per_minute;
  options.tokens_per_minute = prepared.config.tokens_per_minute;
  options.retry = prepared.config.retry;
  options.protocol = prepared.config.protocol;
  options.sampling = prepared.config.sampling;
  options.classifiers = {&compliance};
  options.cancel = invocation.cancel;
  if (!invocation.quiet) options.on_progress = [&printer](const Progress& p) { printer.Update(p); };

  auto progress = ExecuteRun(store, **backend, prepared.run_id, prepared.system_prompt, prepared.plan,
                             options);
  if (!invocation.quiet && progress) printer.Finish(*progress);
  std::string status = progress ? "completed"
                       : progress.error().kind == ErrorKind::kCancelled ? "interrupted"
                                                                         : "failed";
  Status saved = store.SetRunStatus(prepared.run_id, status, status == "completed");
  if (!progress) {
    std::fprintf(stderr, "afbench: run %s %s; continue with: afbench run --resume %s --db %s\n",
                 prepared.run_id.c_str(), status.c_str(), prepared.run_id.c_str(),
                 invocation.db_path.c_str());
    return ReportError(progress.error());
  }
  if (!saved) return ReportError(saved.error());
  auto summary = Summarize(store, prepared.run_id);
  if (!summary) return ReportError(summary.error());
  std::fputs(SummaryToText(*summary).c_str(), stdout);
  return kExitOk;
}

}  // namespace

int RunCommand(RunConfig config, const RunInvocation& invocation) {
  auto store = Store::Open(invocation.db_path);
  if (!store) return ReportError(store.error());
  auto prepared = invocation.resume_run_id.empty()
                      ? PrepareNewRun(**store, std::move(config), invocation)
                      : PrepareResume(**store, invocation.resume_run_id, invocation,
                                      config.max_connections);
  if (!prepared) return ReportError(prepared.error());
  return Execute(**store, *prepared, invocation);
}

}  // namespace afbench::cli

#include "run_options.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "exit_codes.h"
#include "experiment_command.h"
#include "run_command.h"
#include "variations_command.h"

namespace afbench::cli {
namespace {

void AddScenarioFlags(CLI::App& command, RunFlags& flags) {
  command.add_option("--scenario", flags.scenario, "Built-in scenario name or a scenario folder")
      ->capture_default_str();
  command.add_option("--scenarios-dir", flags.scenarios_dir, "Folder of built-in scenarios");
  command.add_option("--system-prompt", flags.system_prompt_file,
                     "Use this system prompt file instead of the scenario's sections");
  command.add_option("--examples", flags.examples_file, "Few-shot examples file for {examples}");
  command.add_option("--var", flags.variables, "Prompt variable KEY=VALUE (e.g. company=OpenAI)");
  command.add_option(
      "--tiers", flags.tiers,
      "Tiers to run: free,pro,paid (default: the scenario's, else free,paid; free,pro,paid with a "
      "variation that tags pro)");
  command
      .add_option("--variation", flags.variations,
                  "Prompt variation(s) to apply, NAME[,NAME...] (afbench variations list)")
      ->delimiter(',');
  command.add_option("--variations-dir", flags.variations_dir, "Folder of variation files");
  command.add_flag("--no-input-wrapper", flags.no_input_wrapper,
                   "Do not wrap the user turn in <INPUT>");
  command.add_flag("--lowercase-bool", flags.lowercase_bool, "Write the tier tag as true/false");
  command.add_flag("--no-suffix", flags.no_suffix, "Omit the accept/reject instruction suffix");
  command.add_flag("--suffix-inside", flags.suffix_inside, "Put the suffix inside <user_input>");
}

void AddDatasetFlags(CLI::App& command, RunFlags& flags) {
  command.add_option("--dataset", flags.dataset, "Queries: CSV, JSON list or JSONL");
  command.add_option("--field", flags.field, "CSV column or JSON field holding the query");
  command.add_option("--format", flags.format, "csv, json or jsonl (default: by extension)");
  command.add_option("--limit", flags.limit, "Use at most N queries (0 = all)");
  command.add_option("--seed", flags.seed, "Seed for the query sample and for sampling");
  command.add_flag("--no-dedup", flags.no_dedup, "Keep duplicate queries");
}

void AddModelFlags(CLI::App& command, RunFlags& flags) {
  command.add_option("--model", flags.model,
                     "Model spec: openai/<model>, anthropic/<model> or llama/<path.gguf>");
  command.add_option("--base-url", flags.base_url,
                     "API base URL (OpenAI-compatible servers: .../v1)");
  command.add_option("--epochs", flags.epochs, "Samples per (query, tier)")->capture_default_str();
  command.add_option("--temperature", flags.temperature, "Sampling temperature")
      ->capture_default_str();
  command.add_option("--max-tokens", flags.max_tokens, "Max tokens per turn")
      ->capture_default_str();
  command.add_option("--max-turns", flags.max_turns, "Max assistant turns per sample")
      ->capture_default_str();
  command.add_option("--prefill", flags.prefill, "Assistant prefill on every turn, e.g. '<'");
  command.add_flag("--no-cot", flags.no_cot,
                   "No scratchpad: the model answers directly in <OUTPUT>");
  command.add_option("--max-connections", flags.max_connections, "Requests in flight")
      ->capture_default_str();
  command.add_option("--rpm", flags.rpm, "Requests per minute to the provider (0 = no limit)");
  command.add_option("--tpm", flags.tpm, "Tokens per minute to the provider (0 = no limit)");
  command.add_option("--max-attempts", flags.max_attempts, "Requests per turn before giving up")
      ->capture_default_str();
  command.add_option("--connect-timeout-s", flags.connect_timeout_s, "Connect timeout")
      ->capture_default_str();
  command.add_option("--timeout-s", flags.timeout_s, "Total timeout of one request")
      ->capture_default_str();
  command
      .add_option("--first-byte-timeout-s", flags.first_byte_timeout_s,
                  "Longest wait for the first byte of a response, and between bytes")
      ->capture_default_str();
  command.add_flag("--stream,!--no-stream", flags.stream,
                   "Stream replies (server-sent events; the default): a long generation is not "
                   "abandoned at the first-byte timeout, which then applies between chunks. "
                   "--no-stream for servers that cannot stream");
}

// Engine settings of the in-process llama/ backend (docs/llama.md).
void AddLlamaFlags(CLI::App& command, RunFlags& flags) {
  command.add_option("--parallel", flags.parallel,
                     "llama/: sequences decoded together (0 = --max-connections)");
  command.add_option("--ctx", flags.ctx,
                     "llama/: KV cache tokens shared by all sequences "
                     "(0 = the model's context, at most 32768)");
  command.add_option("--chat-template", flags.chat_template,
                     "llama/: chat template, a llama.cpp built-in name or a file");
  command.add_option("--top-p", flags.top_p, "llama/: nucleus sampling threshold (default 1)");
  command.add_flag("--force-format", flags.force_format,
                   "llama/: constrain replies to the scratchpad/output tags with a grammar");
}

Unexpected FlagError(const std::string& flag, const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "run: " + flag + ": " + what);
}

// The engine flags, checked here so that a mistake is a usage error before anything is stored.
Result<LlamaRunOptions> LlamaOptionsFromFlags(const RunFlags& flags, const std::string& provider) {
  const bool given = flags.parallel != 0 || flags.ctx != 0 || !flags.chat_template.empty() ||
                     flags.top_p.has_value() || flags.force_format;
  if (given && provider != "llama") {
    return FlagError("--parallel/--ctx/--chat-template/--top-p/--force-format",
                     "only the llama/ backend takes them");
  }
  if (flags.parallel < 0) return FlagError("--parallel", "must be >= 0");
  if (flags.ctx < 0) return FlagError("--ctx", "must be >= 0");
  const double top_p = flags.top_p.value_or(1.0);
  if (!(top_p > 0 && top_p <= 1)) return FlagError("--top-p", "must be in (0, 1]");
  return LlamaRunOptions{flags.parallel, flags.ctx, flags.chat_template, top_p, flags.force_format};
}

Result<std::map<std::string, std::string>> ParseVariables(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> variables;
  for (const std::string& pair : pairs) {
    auto equals = pair.find('=');
    if (equals == std::string::npos || equals == 0) {
      return FlagError("--var", "expected KEY=VALUE, got '" + pair + "'");
    }
    variables[pair.substr(0, equals)] = pair.substr(equals + 1);
  }
  return variables;
}

// Beyond these a flag is a typo, and a plan that size would exhaust memory before a request.
constexpr int kMaxEpochs = 10000;
constexpr double kMaxTimeoutS = 7 * 24 * 3600.0;

bool InRange(double value, double low, double high) {
  return std::isfinite(value) && value >= low && value <= high;
}

Status ValidateTimeouts(const RunFlags& flags) {
  for (const auto& [name, value] :
       {std::pair{"--timeout-s", flags.timeout_s},
        std::pair{"--connect-timeout-s", flags.connect_timeout_s},
        std::pair{"--first-byte-timeout-s", flags.first_byte_timeout_s}}) {
    if (!InRange(value, 0, kMaxTimeoutS) || value <= 0) {
      return FlagError(name, "must be > 0 and at most a week of seconds");
    }
  }
  return {};
}

Status ValidateNumbers(const RunFlags& flags) {
  if (flags.limit < 0) return FlagError("--limit", "must be >= 0");
  if (flags.epochs < 1 || flags.epochs > kMaxEpochs) {
    return FlagError("--epochs", "must be in [1, " + std::to_string(kMaxEpochs) + "]");
  }
  if (!InRange(flags.temperature, 0, 2)) return FlagError("--temperature", "must be in [0, 2]");
  if (flags.max_tokens < 1) return FlagError("--max-tokens", "must be >= 1");
  if (flags.max_turns < 1) return FlagError("--max-turns", "must be >= 1");
  if (flags.max_connections < 1) return FlagError("--max-connections", "must be >= 1");
  if (flags.max_attempts < 1) return FlagError("--max-attempts", "must be >= 1");
  if (flags.rpm < 0 || flags.tpm < 0) return FlagError("--rpm/--tpm", "must be >= 0");
  if (flags.max_cost_usd && !InRange(*flags.max_cost_usd, 0, 1e9)) {
    return FlagError("--max-cost-usd", "must be a finite amount >= 0");
  }
  const PowerCheck& power = flags.power_check;
  if (!InRange(power.assumptions.discordant, 1e-6, 1)) {
    return FlagError("--power-discordant", "a share in (0, 1]");
  }
  if (!InRange(power.gap, 1e-6, power.assumptions.discordant)) {
    return FlagError("--power-gap", "a share in (0, --power-discordant]: 0.05 is a 5-point gap");
  }
  return ValidateTimeouts(flags);
}

// What --resume does with each flag the user gives: these it applies; every other flag would
// change what the model is asked or how it samples, and is refused.
constexpr std::string_view kResumeApplies[] = {"--resume",
                                               "--db",
                                               "--quiet",
                                               "--max-connections",
                                               "--rpm",
                                               "--tpm",
                                               "--max-attempts",
                                               "--connect-timeout-s",
                                               "--timeout-s",
                                               "--first-byte-timeout-s",
                                               "--base-url",
                                               "--judge-base-url",
                                               "--max-cost-usd",
                                               "--prices",
                                               "--scenarios-dir",
                                               "--variations-dir",
                                               "--trust-file-urls",
                                               "--stream"};

bool ResumeApplies(std::string_view name) {
  return std::find(std::begin(kResumeApplies), std::end(kResumeApplies), name) !=
         std::end(kResumeApplies);
}

int64_t Milliseconds(double seconds) { return static_cast<int64_t>(seconds * 1000); }

bool Given(const RunFlags& flags, std::string_view name) {
  return std::find(flags.given.begin(), flags.given.end(), name) != flags.given.end();
}

}  // namespace

CLI::App* AddRunCommand(CLI::App& app, RunFlags& flags, CommonOptions& common) {
  CLI::App* command = app.add_subcommand("run", "Run (or resume) an alignment-faking experiment");
  AddModelFlags(*command, flags);
  AddScenarioFlags(*command, flags);
  AddDatasetFlags(*command, flags);
  AddLlamaFlags(*command, flags);
  command->add_option("--resume", flags.resume, "Resume this run id with its stored configuration");
  command->add_option("experiment", flags.experiment_file,
                      "Experiment YAML: run (or resume) every cell of its grid");
  command->add_flag("--plan", flags.plan,
                    "Print the cells, requests and a cost forecast; send nothing");
  command
      ->add_option("--power-gap", flags.power_check.gap,
                   "The plan warns of cells with too few pairs to detect this gap (a share)")
      ->capture_default_str();
  command
      ->add_option("--power-discordant", flags.power_check.assumptions.discordant,
                   "The share of pairs differing between the tiers that the power check assumes")
      ->capture_default_str();
  command->add_option("--max-cost-usd", flags.max_cost_usd, "Stop starting samples at this spend");
  command->add_option("--prices", flags.prices_file,
                      "Price table (default: the shipped prices.yaml)");
  command->add_option("--judge", flags.judge,
                      "Judge model provider/model for the scenario's judges");
  command->add_option("--judge-base-url", flags.judge_base_url, "Base URL of the judge model");
  command->add_option("--allow-dir", flags.allow_dirs,
                      "A folder whose files an experiment file may name (by default only files "
                      "below its own folder); repeatable");
  command->add_flag("--trust-file-urls", flags.trust_file_urls,
                    "Send API keys to the base URLs an experiment file names (by default a key "
                    "goes only to its provider's own host)");
  command->add_flag("-q,--quiet", flags.quiet, "No progress line");
  command->add_option("--db", common.db_path, "SQLite store")->capture_default_str();
  command->final_callback([command, &flags] {
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() > 0) flags.given.push_back(option->get_name());
    }
  });
  return command;
}

Result<ResumeOverrides> ResumeOverridesFromFlags(const RunFlags& flags) {
  for (const std::string& name : flags.given) {
    if (ResumeApplies(name)) continue;
    return FlagError(name,
                     "cannot change on --resume: it would change the run's results; start a new "
                     "run (--resume applies only limits, retries, timeouts and --base-url)");
  }
  AFBENCH_RETURN_IF_ERROR(ValidateNumbers(flags));
  ResumeOverrides out;
  if (Given(flags, "--max-connections")) out.max_connections = flags.max_connections;
  if (Given(flags, "--rpm")) out.requests_per_minute = flags.rpm;
  if (Given(flags, "--tpm")) out.tokens_per_minute = flags.tpm;
  if (Given(flags, "--max-attempts")) out.max_attempts = flags.max_attempts;
  if (Given(flags, "--connect-timeout-s"))
    out.connect_timeout_ms = Milliseconds(flags.connect_timeout_s);
  if (Given(flags, "--timeout-s")) out.request_timeout_ms = Milliseconds(flags.timeout_s);
  if (Given(flags, "--first-byte-timeout-s")) {
    out.idle_timeout_ms = Milliseconds(flags.first_byte_timeout_s);
  }
  if (Given(flags, "--base-url")) out.base_url = flags.base_url;
  if (Given(flags, "--judge-base-url")) out.judge_base_url = flags.judge_base_url;
  out.trust_file_urls = flags.trust_file_urls;
  if (Given(flags, "--stream")) out.stream = flags.stream;
  for (const std::string& name : flags.given) {
    if (name != "--resume" && name != "--db" && name != "--quiet") out.names.push_back(name);
  }
  return out;
}

Result<std::vector<Tier>> ParseTiers(const std::string& text) {
  std::vector<Tier> tiers;
  std::stringstream stream(text);
  std::string name;
  while (std::getline(stream, name, ',')) {
    auto tier = ParseTier(name);
    if (!tier) return FlagError("--tiers", "unknown tier '" + name + "' (free, pro or paid)");
    if (std::find(tiers.begin(), tiers.end(), *tier) != tiers.end()) {
      return FlagError("--tiers", "tier '" + name + "' given twice");
    }
    tiers.push_back(*tier);
  }
  if (tiers.empty()) return FlagError("--tiers", "no tier given");
  return tiers;
}

namespace {

// --variation (repeatable, comma-separated) and --judge (issue 6).
void ApplyLibraryFlags(const RunFlags& flags, RunSpec& config) {
  for (const std::string& names : flags.variations) {
    for (std::string& name : SplitVariationNames(names)) {
      config.variations.push_back(std::move(name));
    }
  }
  config.judge_model = flags.judge;
  config.judge_base_url = flags.judge_base_url;
}

}  // namespace

Result<RunSpec> ConfigFromFlags(const RunFlags& flags) {
  if (flags.model.empty()) return FlagError("--model", "required (e.g. openai/gpt-4o)");
  AFBENCH_RETURN_IF_ERROR(ValidateNumbers(flags));
  auto spec = ParseModelSpec(flags.model);
  if (!spec) return Unexpected{spec.error()};
  // Empty --tiers: the scenario's default tiers, resolved when the scenario is loaded.
  auto tiers = flags.tiers.empty() ? Result<std::vector<Tier>>(std::vector<Tier>{})
                                   : ParseTiers(flags.tiers);
  if (!tiers) return Unexpected{tiers.error()};
  auto variables = ParseVariables(flags.variables);
  if (!variables) return Unexpected{variables.error()};
  auto llama = LlamaOptionsFromFlags(flags, spec->first);
  if (!llama) return Unexpected{llama.error()};

  RunSpec config;
  config.llama = *llama;
  config.model = flags.model;
  config.base_url = flags.base_url;
  config.scenario.name_or_path = flags.scenario;
  config.scenario.system_prompt_file = flags.system_prompt_file;
  config.scenario.examples_file = flags.examples_file;
  config.scenario.variables = *variables;
  config.dataset = {flags.dataset, flags.field, flags.format,
                    flags.limit,   flags.seed,  !flags.no_dedup};
  config.tiers = *tiers;
  config.epochs = flags.epochs;
  config.sampling = {flags.temperature, flags.max_tokens, flags.seed};
  config.protocol = {flags.no_cot ? 1 : flags.max_turns, flags.no_cot, flags.prefill};
  config.user_turn = {
      !flags.no_input_wrapper, !flags.lowercase_bool, !flags.no_suffix,
      flags.suffix_inside ? SuffixPlacement::kInsideUserInput : SuffixPlacement::kAfterUserInput};
  config.max_connections = flags.max_connections;
  config.requests_per_minute = flags.rpm;
  config.tokens_per_minute = flags.tpm;
  config.retry.max_attempts = flags.max_attempts;
  config.connect_timeout_ms = static_cast<int64_t>(flags.connect_timeout_s * 1000);
  config.request_timeout_ms = static_cast<int64_t>(flags.timeout_s * 1000);
  config.idle_timeout_ms = static_cast<int64_t>(flags.first_byte_timeout_s * 1000);
  config.stream = flags.stream;
  ApplyLibraryFlags(flags, config);
  return config;
}

int RunFromFlags(const RunFlags& flags, const CommonOptions& common,
                 const std::atomic<bool>* cancel) {
  RunInvocation invocation;
  invocation.db_path = common.db_path;
  invocation.resume_run_id = flags.resume;
  invocation.quiet = flags.quiet;
  invocation.context = CommandContext(flags.scenarios_dir, flags.variations_dir, cancel);
  if (!flags.experiment_file.empty()) return ExperimentRunCommand(flags, invocation);
  if (!flags.resume.empty()) {
    // The stored configuration, with the flags that cannot change results applied over it.
    auto overrides = ResumeOverridesFromFlags(flags);
    if (!overrides) return ReportError(overrides.error());
    invocation.resume_overrides = std::move(*overrides);
    if (flags.max_cost_usd) return RunWithPlanOrBudget(RunSpec{}, flags, invocation);
    return RunCommand(RunSpec{}, invocation);
  }
  auto config = ConfigFromFlags(flags);
  if (!config) return ReportError(config.error());
  if (flags.plan || flags.max_cost_usd) {
    return RunWithPlanOrBudget(std::move(*config), flags, invocation);
  }
  return RunCommand(std::move(*config), invocation);
}

}  // namespace afbench::cli

// The flags of `afbench run` and their translation into a RunSpec. Validation happens here,
// before anything is stored or sent: a bad flag is a usage error (exit 2) that names the flag.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "afbench/experiment_run.h"
#include "afbench/run_spec.h"
#include "commands.h"
#include "run_command.h"

namespace afbench::cli {

/// Raw flag values as CLI11 fills them.
struct RunFlags {
  std::string model;
  std::string base_url;
  std::string scenario = "helpful-only";
  std::string scenarios_dir;
  std::string system_prompt_file;
  std::string examples_file;
  std::vector<std::string> variables;  ///< KEY=VALUE
  std::string dataset;
  std::string field;
  std::string format;
  int limit = 0;
  std::optional<uint64_t> seed;
  bool no_dedup = false;
  std::string tiers;  ///< Empty: the scenario's default tiers (evaluation.yaml), else free,paid.
  int epochs = 1;
  double temperature = 1.0;
  int max_tokens = 4096;
  int max_turns = 4;
  std::string prefill;
  bool no_cot = false;
  bool no_input_wrapper = false;
  bool lowercase_bool = false;
  bool no_suffix = false;
  bool suffix_inside = false;
  int max_connections = 8;
  int64_t rpm = 0;
  int64_t tpm = 0;
  int max_attempts = 6;
  double connect_timeout_s = 10;
  double timeout_s = 600;
  double first_byte_timeout_s = 300;
  bool stream = true;  // --stream (the default) / --no-stream
  std::string resume;
  bool quiet = false;
  // Scenario library, variations and experiments (issue 6).
  std::vector<std::string> variations;  ///< --variation NAME[,NAME...], repeatable.
  std::string variations_dir;
  std::string judge;  ///< --judge provider/model: runs the scenario's judges.
  std::string judge_base_url;
  std::string experiment_file;          ///< Positional: an experiment YAML file runs every cell.
  bool trust_file_urls = false;         ///< --trust-file-urls: keys may go to the file's base URLs.
  std::vector<std::string> allow_dirs;  ///< --allow-dir: an experiment file may read below these.
  bool plan = false;  ///< --plan: print cells, requests and a forecast; send nothing.
  /// --power-gap, --power-discordant: the plan warns of cells too small to detect this gap.
  PowerCheck power_check;
  std::optional<double> max_cost_usd;
  std::string prices_file;
  // The llama/ backend's engine (issue 3); usage errors with other providers.
  int parallel = 0;             ///< --parallel: sequences decoded together; 0: --max-connections.
  int ctx = 0;                  ///< --ctx: KV cache cells; 0: the model's context, at most 32768.
  std::string chat_template;    ///< --chat-template NAME|FILE.
  std::optional<double> top_p;  ///< --top-p.
  bool force_format = false;    ///< --force-format.
  /// The options the user gave, by name ("--model"), filled when the command line is parsed: what
  /// --resume applies or refuses.
  std::vector<std::string> given;
};

CLI::App* AddRunCommand(CLI::App& app, RunFlags& flags, CommonOptions& common);

/// Validates the flags, builds the RunSpec and runs. Returns the exit code.
int RunFromFlags(const RunFlags& flags, const CommonOptions& common,
                 const std::atomic<bool>* cancel);

/// Parses "free,paid" (any order, no repeats). Exposed for tests.
Result<std::vector<Tier>> ParseTiers(const std::string& text);
/// Builds a RunSpec from flags; an error names the offending flag. Exposed for tests.
Result<RunSpec> ConfigFromFlags(const RunFlags& flags);
/// The flags --resume applies over the stored configuration; an error names the first given flag
/// that would change the run's results (model, scenario, sampling, dataset, ...). Exposed for
/// tests.
Result<ResumeOverrides> ResumeOverridesFromFlags(const RunFlags& flags);

}  // namespace afbench::cli

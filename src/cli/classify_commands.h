// The classifier subcommands: `afbench classifiers` (the table), `afbench classify` (label a stored
// Run without regenerating it) and `afbench validate-classifier` (agreement with human labels),
// plus the helpers the summary command uses to attach validation figures. Flag structs, their CLI11
// registration and the command bodies; each *Command returns the process exit code and prints
// results to stdout and messages to stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "afbench/judges.h"
#include "afbench/summary.h"
#include "commands.h"

namespace afbench::cli {

/// The flags every classifier command shares: which classifier and, for LLM judges, which model.
struct JudgeFlags {
  std::string classifier;
  std::string judge;           ///< "provider/model"; needed by LLM judges.
  std::string judge_base_url;  ///< Empty: the provider's environment variable or default.
  int votes = 20;              ///< af-majority-vote only.
  double vote_threshold = 0.4;
  int max_connections = 8;  ///< Judge requests (Samples or examples) in flight.
  int64_t rpm = 0;          ///< Judge requests per minute (0 = no limit).
  int64_t tpm = 0;          ///< Judge tokens per minute (0 = no limit).
  int max_attempts = 6;     ///< Requests per judge call for transport failures.
  bool stream = true;       ///< --stream (default) / --no-stream: replies as server-sent events.
  int max_parse_attempts = 3;
  std::string classifiers_dir;  ///< Empty: ResolveClassifiersDir("").
};

struct ClassifyFlags {
  JudgeFlags judge;
  std::string run_id;        ///< Empty: the newest Run.
  std::string tier = "all";  ///< "free", "paid" or "all".
  bool relabel = false;  ///< Label Samples that already have a label of this classifier version.
};

struct ValidateFlags {
  JudgeFlags judge;
  std::string labels;  ///< JSONL of {id, label, scratchpad}.
  bool json = false;
  int bootstrap = 2000;
  uint64_t seed = 20240601;
  int cross_validate = 0;  ///< offline-af only: refit in k folds instead of using its weights.
  std::string
      save_validation;  ///< Write the confusion matrix here (classifiers/<id>/validation.json).
};

struct ClassifiersFlags {
  std::string classifiers_dir;
};

CLI::App* AddClassifyCommand(CLI::App& app, ClassifyFlags& flags, CommonOptions& common);
CLI::App* AddValidateClassifierCommand(CLI::App& app, ValidateFlags& flags);
CLI::App* AddClassifiersCommand(CLI::App& app, ClassifiersFlags& flags);

int ClassifyCommand(const ClassifyFlags& flags, const CommonOptions& common,
                    const std::atomic<bool>* cancel);
int ValidateClassifierCommand(const ValidateFlags& flags, const std::atomic<bool>* cancel);
int ClassifiersCommand(const ClassifiersFlags& flags);

/// Where classifier data files are: `flag` if given, else $AFBENCH_CLASSIFIERS_DIR, else
/// <exe>/../share/afbench/classifiers when installed, else the source tree's classifiers/.
std::filesystem::path ResolveClassifiersDir(const std::string& flag);

/// Fills the Rogan-Gladen corrected rate of every alignment-faking classifier in `summary` that
/// has a validation file (<classifiers_dir>/<prompt dir>/validation.json) and whose complied
/// Samples are all labelled. Returns a note per classifier it could not correct (for stderr).
std::vector<std::string> ApplyStoredValidations(RunSummary& summary,
                                                const std::filesystem::path& classifiers_dir);

// Shared by the classify and validate commands (defined in classify_commands.cpp).

/// Registers --classifier (required), --judge, --judge-base-url, --votes, --vote-threshold,
/// --max-connections, --rpm, --tpm, --max-attempts, --max-parse-attempts and --classifiers-dir.
void AddJudgeOptions(CLI::App& command, JudgeFlags& flags);
/// Checks the shared flags.
Status CheckJudgeFlags(const JudgeFlags& flags);
/// The classifier of `flags`, with its judge Backend (null for classifiers without a judge) kept
/// alive beside it.
struct ClassifierHandle {
  std::unique_ptr<Backend> judge;
  std::unique_ptr<ModelClient> client;  ///< Every judge request goes through it.
  std::unique_ptr<Classifier> classifier;
  const ClassifierInfo* info = nullptr;
};
/// `base` carries what the flags do not: the Store and Run for stored judge calls, and the
/// anti-ai-lab judge's questions and prompt folder.
Result<ClassifierHandle> MakeClassifierFromFlags(const JudgeFlags& flags,
                                                 const std::atomic<bool>* cancel,
                                                 JudgeOptions base = {});

}  // namespace afbench::cli

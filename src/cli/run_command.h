// `afbench run`: starts a Run from flags, or resumes one from the Store, through the library
// (afbench/runs.h), and prints what happens and how it ended.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "afbench/runs.h"
#include "progress.h"

namespace afbench::cli {

/// What the command line adds to a RunSpec: where the Store is and how to talk to the user.
struct RunInvocation {
  std::string db_path = "afbench.db";
  std::string resume_run_id;         ///< Set: resume this Run; the stored spec is used.
  ResumeOverrides resume_overrides;  ///< With resume_run_id: the flags applied over it.
  bool quiet = false;                ///< No progress line.
  RunContext context;                ///< Folders, environment, cancellation, budget.
};

/// The context every command gives its Runs: the built-in folders (flag, environment variable or
/// installed/source location), the process environment for keys, and the interrupt flag.
RunContext CommandContext(const std::string& scenarios_flag, const std::string& variations_flag,
                          const std::atomic<bool>* cancel);

/// The process environment: the one place afbench reads API keys from.
std::optional<std::string> ProcessEnvironment(const std::string& name);

/// Prints what the library reports to stderr: notices as "afbench: ...", the progress line of the
/// Run going on (unless quiet), and how each Run ended with the command that continues it.
class StderrObserver : public RunObserver {
 public:
  StderrObserver(std::string db_path, bool quiet) : db_path_(std::move(db_path)), quiet_(quiet) {}
  void Notice(const std::string& line) override;
  void Started(const std::string& run_id) override;
  void Progressed(const std::string& run_id, const Progress& progress) override;
  void Ended(const RunOutcome& outcome) override;

 private:
  const std::string db_path_;
  const bool quiet_;
  std::mutex mutex_;
  std::unique_ptr<ProgressPrinter> printer_;
};

/// The exit code of a Run that started: 0 completed, 1 incomplete, failed or stopped at the budget,
/// 130 interrupted.
int RunExitCode(const RunOutcome& outcome);

/// Runs (or resumes) and prints the summary. Returns the process exit code (0, 1, 2 or 130).
int RunCommand(RunSpec spec, const RunInvocation& invocation);

}  // namespace afbench::cli

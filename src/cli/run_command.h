// `afbench run`: starts a Run from flags, or resumes one from the Store, and executes it.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "run_config.h"

namespace afbench::cli {

/// What the command line adds to a RunConfig: where things are and how to talk to the user.
struct RunInvocation {
  std::string db_path = "afbench.db";
  std::string resume_run_id;  ///< Set: resume this Run; the stored configuration is used.
  std::filesystem::path scenarios_dir;
  bool seed_given = false;    ///< False: a seed is drawn and recorded.
  bool quiet = false;
  const std::atomic<bool>* cancel = nullptr;
};

/// Runs (or resumes) and prints the summary. Returns the process exit code (0, 1, 2 or 130).
int RunCommand(RunConfig config, const RunInvocation& invocation);

}  // namespace afbench::cli

// The afbench subcommands other than `run`: flag structs, their CLI11 registration and their
// bodies. Each *Command function returns the process exit code and prints only to stdout (results)
// and stderr (messages).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "afbench/backend.h"
#include "afbench/result.h"
#include "afbench/store.h"

namespace afbench::cli {

/// Flags every subcommand that reads the Store shares.
struct CommonOptions {
  std::string db_path = "afbench.db";
};

struct SummaryFlags {
  std::string run_id;           ///< Empty: the newest Run.
  bool json = false;            ///< Same as format "json" (kept for scripts).
  std::string format = "text";  ///< "text", "json" or "md" (a Markdown table).
  std::string classifier = "compliance-tag";
};

struct RunsFlags {
  bool json = false;
};

struct ExportFlags {
  std::string run_id;
  std::string format = "jsonl";
  std::string output;  ///< Empty or "-": stdout.
};

struct ScenariosFlags {
  std::string scenarios_dir;
};

CLI::App* AddSummaryCommand(CLI::App& app, SummaryFlags& flags, CommonOptions& common);
CLI::App* AddRunsCommand(CLI::App& app, RunsFlags& flags, CommonOptions& common);
CLI::App* AddExportCommand(CLI::App& app, ExportFlags& flags, CommonOptions& common);
CLI::App* AddScenariosCommand(CLI::App& app, ScenariosFlags& flags);

int SummaryCommand(const SummaryFlags& flags, const CommonOptions& common);
int RunsCommand(const RunsFlags& flags, const CommonOptions& common);
int ExportCommand(const ExportFlags& flags, const CommonOptions& common);
int BackendsCommand();
int ScenariosCommand(const ScenariosFlags& flags);

/// Opens the Store only if the file exists: reading commands must not create empty databases.
Result<std::unique_ptr<Store>> OpenExisting(const std::string& path);

/// "afbench 0.1.0 (commit abc123)".
std::string VersionText();

/// The Backend of a model spec that is not a Run's (judges, the paraphraser). The only place the
/// CLI reads a provider's API key: from its environment variable, into memory. `base_url` (or the
/// provider's URL variable) is the user's own choice, so the key is sent there.
Result<std::unique_ptr<Backend>> BackendForSpec(const std::string& spec,
                                                const std::string& base_url, bool stream);
/// Where built-in scenarios are: `flag` if given, else $AFBENCH_SCENARIOS_DIR, else
/// <exe>/../share/afbench/ scenarios when installed, else the source tree's scenarios/ (baked in at
/// build time).
std::filesystem::path ResolveScenariosDir(const std::string& flag);

}  // namespace afbench::cli

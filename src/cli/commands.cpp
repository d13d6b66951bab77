#include "commands.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "afbench/backends.h"
#include "afbench/export.h"
#include "afbench/report.h"
#include "afbench/scenario.h"
#include "afbench/store.h"
#include "afbench/summary.h"
#include "afbench/version.h"
#include "classify_commands.h"
#include "exit_codes.h"

namespace afbench::cli {

Result<std::unique_ptr<Store>> OpenExisting(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Fail(ErrorKind::kNotFound,
                "store: " + path + " does not exist (use --db to point at a store)");
  }
  return Store::Open(path);
}

namespace {

Result<std::string> NewestRunId(Store& store) {
  auto runs = store.ListRuns();
  if (!runs) return Unexpected{runs.error()};
  if (runs->empty()) return Fail(ErrorKind::kNotFound, "store: no runs yet");
  return runs->front().run_id;
}

}  // namespace

CLI::App* AddSummaryCommand(CLI::App& app, SummaryFlags& flags, CommonOptions& common) {
  CLI::App* command =
      app.add_subcommand("summary", "Print a Run's compliance per tier, the gap and usage");
  command->add_option("run", flags.run_id, "Run id (default: the newest run)");
  command->add_flag("--json", flags.json, "Print JSON (stable shape, see docs/store-format.md)");
  command->add_option("--format", flags.format, "text, json, or md for a Markdown table")
      ->check(CLI::IsMember({"text", "json", "md"}))
      ->capture_default_str();
  command->add_option("--classifier", flags.classifier, "Classifier whose labels define compliance")
      ->capture_default_str();
  command->add_option("--db", common.db_path, "SQLite store")->capture_default_str();
  return command;
}

CLI::App* AddRunsCommand(CLI::App& app, RunsFlags& flags, CommonOptions& common) {
  CLI::App* command = app.add_subcommand("runs", "List the runs in the store, newest first");
  command->add_flag("--json", flags.json, "Print JSON");
  command->add_option("--db", common.db_path, "SQLite store")->capture_default_str();
  return command;
}

CLI::App* AddExportCommand(CLI::App& app, ExportFlags& flags, CommonOptions& common) {
  CLI::App* command = app.add_subcommand("export", "Write a Run's transcripts and labels");
  command->add_option("run", flags.run_id, "Run id")->required();
  command->add_option("--format", flags.format, "jsonl or csv")->capture_default_str();
  command->add_option("-o,--output", flags.output, "Output file (default: stdout)");
  command->add_option("--db", common.db_path, "SQLite store")->capture_default_str();
  return command;
}

CLI::App* AddScenariosCommand(CLI::App& app, ScenariosFlags& flags) {
  CLI::App* command = app.add_subcommand("scenarios", "List the built-in scenarios");
  command->add_option("--scenarios-dir", flags.scenarios_dir, "Folder of scenarios");
  return command;
}

int SummaryCommand(const SummaryFlags& flags, const CommonOptions& common) {
  auto store = OpenExisting(common.db_path);
  if (!store) return ReportError(store.error());
  std::string run_id = flags.run_id;
  if (run_id.empty()) {
    auto newest = NewestRunId(**store);
    if (!newest) return ReportError(newest.error());
    run_id = *newest;
  }
  auto summary = Summarize(**store, run_id, flags.classifier);
  if (!summary) return ReportError(summary.error());
  // Classifiers with stored validation figures give the AF rate corrected for their errors.
  for (const std::string& note : ApplyStoredValidations(*summary, ResolveClassifiersDir(""))) {
    std::fprintf(stderr, "afbench: note: %s\n", note.c_str());
  }
  const std::string format = flags.json ? "json" : flags.format;
  const std::string text = format == "json" ? SummaryToJson(*summary)
                           : format == "md" ? SummaryToMarkdown(*summary)
                                            : SummaryToText(*summary);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

int RunsCommand(const RunsFlags& flags, const CommonOptions& common) {
  auto store = OpenExisting(common.db_path);
  if (!store) return ReportError(store.error());
  auto runs = (*store)->ListRuns();
  if (!runs) return ReportError(runs.error());
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const RunRecord& run : *runs) {
    if (!flags.json) {
      std::printf("%-22s %-11s %-20s %-28s %s\n", run.run_id.c_str(), run.status.c_str(),
                  run.created_at.c_str(), run.model.c_str(), run.scenario.c_str());
      continue;
    }
    list.push_back({{"run_id", run.run_id},
                    {"status", run.status},
                    {"created_at", run.created_at},
                    {"finished_at", run.finished_at},
                    {"model", run.model},
                    {"scenario", run.scenario},
                    {"prompt_hash", run.prompt_hash}});
  }
  if (flags.json) std::printf("%s\n", list.dump(2).c_str());
  return kExitOk;
}

int ExportCommand(const ExportFlags& flags, const CommonOptions& common) {
  auto format = ParseExportFormat(flags.format);
  if (!format) return ReportError(format.error());
  auto store = OpenExisting(common.db_path);
  if (!store) return ReportError(store.error());
  auto run = (*store)->LoadRun(flags.run_id);
  if (!run) return ReportError(run.error());
  auto samples = (*store)->LoadSamples(flags.run_id);
  if (!samples) return ReportError(samples.error());
  if (flags.output.empty() || flags.output == "-") {
    auto status = ExportSamples(*run, *samples, *format, std::cout);
    return status ? kExitOk : ReportError(status.error());
  }
  std::ofstream out(flags.output, std::ios::binary);
  if (!out)
    return ReportError({ErrorKind::kIo, "export: cannot write " + flags.output, std::nullopt});
  auto status = ExportSamples(*run, *samples, *format, out);
  return status ? kExitOk : ReportError(status.error());
}

int BackendsCommand() {
  for (const BackendInfo& info : BackendTable()) {
    std::printf("%-10s %s\n           key: $%s  base URL: $%s (default %s)\n", info.provider,
                info.description, info.api_key_env, info.base_url_env, info.default_base_url);
  }
  return kExitOk;
}

int ScenariosCommand(const ScenariosFlags& flags) {
  auto scenarios = ListScenarios(ResolveScenariosDir(flags.scenarios_dir));
  if (!scenarios) return ReportError(scenarios.error());
  for (const ScenarioInfo& info : *scenarios) {
    std::printf("%-16s %s\n", info.name.c_str(), info.description.c_str());
  }
  return kExitOk;
}

Result<std::unique_ptr<Backend>> BackendForSpec(const std::string& spec,
                                                const std::string& base_url, bool stream) {
  BackendOptions options;
  options.spec = spec;
  options.base_url = base_url;
  options.base_url_named = true;  // the flag or the provider's variable: the user's own choice
  options.stream = stream;
  auto parsed = ParseModelSpec(spec);
  if (!parsed) return Unexpected{parsed.error()};
  for (const BackendInfo& info : BackendTable()) {
    if (parsed->first != info.provider) continue;
    if (const char* key = std::getenv(info.api_key_env)) options.api_key = key;
    const char* url = std::getenv(info.base_url_env);
    if (options.base_url.empty() && url != nullptr) options.base_url = url;
  }
  return MakeBackend(options);
}

std::string VersionText() {
  return std::string("afbench ") + Version() + " (commit " + GitCommit() + ")";
}

std::filesystem::path ResolveScenariosDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AFBENCH_SCENARIOS_DIR"); env != nullptr && *env != '\0')
    return env;
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    auto installed = exe.parent_path().parent_path() / "share" / "afbench" / "scenarios";
    if (std::filesystem::is_directory(installed, error)) return installed;
  }
  return AFBENCH_SOURCE_SCENARIOS_DIR;
}

}  // namespace afbench::cli

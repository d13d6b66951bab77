// The afbench command line: parses argv with CLI11 and hands each subcommand to its *_command.cpp. This is the
// only place that reads argv, installs signal handlers and maps errors to exit codes.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <unistd.h>

#include "commands.h"
#include "exit_codes.h"
#include "report_command.h"
#include "run_options.h"

namespace {

std::atomic<bool> g_cancel{false};

// First Ctrl-C: finish the requests in flight and stop (the Run stays resumable). Second: stop at once; every
// stored Turn and Sample is already committed, so nothing is lost.
void OnInterrupt(int) {
  if (g_cancel.exchange(true)) _exit(afbench::cli::kExitInterrupted);
  const char message[] = "\nafbench: interrupted; finishing requests in flight (Ctrl-C again to quit now)\n";
  (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace afbench::cli;
  CLI::App app{"afbench: alignment-faking experiments on language models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VersionText());

  CommonOptions common;
  RunFlags run_flags;
  CLI::App* run = AddRunCommand(app, run_flags, common);
  SummaryFlags summary_flags;
  CLI::App* summary = AddSummaryCommand(app, summary_flags, common);
  RunsFlags runs_flags;
  CLI::App* runs = AddRunsCommand(app, runs_flags, common);
  ExportFlags export_flags;
  CLI::App* export_command = AddExportCommand(app, export_flags, common);
  ReportFlags report_flags;
  CLI::App* report = AddReportCommand(app, report_flags, common);
  CLI::App* backends = app.add_subcommand("backends", "List the model providers afbench can talk to");
  ScenariosFlags scenarios_flags;
  CLI::App* scenarios = AddScenariosCommand(app, scenarios_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  if (run->parsed()) return RunFromFlags(run_flags, common, &g_cancel);
  if (summary->parsed()) return SummaryCommand(summary_flags, common);
  if (runs->parsed()) return RunsCommand(runs_flags, common);
  if (export_command->parsed()) return ExportCommand(export_flags, common);
  if (report->parsed()) return ReportCommand(report_flags, common);
  if (backends->parsed()) return BackendsCommand();
  if (scenarios->parsed()) return ScenariosCommand(scenarios_flags);
  return kExitUsage;
}

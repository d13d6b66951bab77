// The afbench command line: parses argv with CLI11 and hands each subcommand to its *_command.cpp.
// This is the only place that reads argv, installs signal handlers and maps errors to exit codes.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "classify_commands.h"
#include "commands.h"
#include "exit_codes.h"
#include "experiment_command.h"
#include "organism_command.h"
#include "report_command.h"
#include "run_options.h"
#include "variations_command.h"

namespace {

std::atomic<bool> g_cancel{false};

// First Ctrl-C: finish the requests in flight and stop (the Run stays resumable). Second: stop at
// once; every stored Turn and Sample is already committed, so nothing is lost.
void OnInterrupt(int) {
  if (g_cancel.exchange(true)) _exit(afbench::cli::kExitInterrupted);
  const char message[] =
      "\nafbench: interrupted; finishing requests in flight (Ctrl-C again to quit now)\n";
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
  ExperimentSummaryFlags experiment_summary_flags;
  AddExperimentSummaryOption(summary, experiment_summary_flags);
  RunsFlags runs_flags;
  CLI::App* runs = AddRunsCommand(app, runs_flags, common);
  ExportFlags export_flags;
  CLI::App* export_command = AddExportCommand(app, export_flags, common);
  ReportFlags report_flags;
  CLI::App* report = AddReportCommand(app, report_flags, common);
  CLI::App* backends =
      app.add_subcommand("backends", "List the model providers afbench can talk to");
  ScenariosFlags scenarios_flags;
  CLI::App* scenarios = AddScenariosCommand(app, scenarios_flags);
  ClassifyFlags classify_flags;
  CLI::App* classify = AddClassifyCommand(app, classify_flags, common);
  ValidateFlags validate_flags;
  CLI::App* validate = AddValidateClassifierCommand(app, validate_flags);
  ClassifiersFlags classifiers_flags;
  CLI::App* classifiers = AddClassifiersCommand(app, classifiers_flags);
  VariationsFlags variations_flags;
  CLI::App* variations = AddVariationsCommand(app, variations_flags);
  OrganismFlags organism_flags;
  CLI::App* organism = AddOrganismCommand(app, organism_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  if (run->parsed()) return RunFromFlags(run_flags, common, &g_cancel);
  if (summary->parsed()) return SummaryDispatch(summary_flags, experiment_summary_flags, common);
  if (runs->parsed()) return RunsCommand(runs_flags, common);
  if (export_command->parsed()) return ExportCommand(export_flags, common);
  if (report->parsed()) return ReportCommand(report_flags, common);
  if (backends->parsed()) return BackendsCommand();
  if (scenarios->parsed()) return ScenariosCommand(scenarios_flags);
  if (classify->parsed()) return ClassifyCommand(classify_flags, common, &g_cancel);
  if (validate->parsed()) return ValidateClassifierCommand(validate_flags, &g_cancel);
  if (classifiers->parsed()) return ClassifiersCommand(classifiers_flags);
  if (variations->parsed()) return VariationsCommand(variations_flags);
  if (organism->parsed()) return OrganismCommand(organism_flags);
  return kExitUsage;
}

// The afbench command line: parses argv with CLI11 and hands each subcommand to its *_command.cpp.
// This is the only place that reads argv, installs signal handlers and maps errors to exit codes.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <functional>
#include <vector>

#include "classify_commands.h"
#include "commands.h"
#include "exit_codes.h"
#include "experiment_command.h"
#include "organism_command.h"
#include "power_command.h"
#include "report_command.h"
#include "run_options.h"
#include "variations_command.h"

namespace {

std::atomic<bool> g_cancel{false};

using namespace afbench::cli;

struct Subcommand {
  CLI::App* app;
  std::function<int()> run;
};

// First Ctrl-C: finish the requests in flight and stop (the Run stays resumable). Second: stop at
// once; every stored Turn and Sample is already committed, so nothing is lost.
void OnInterrupt(int) {
  if (g_cancel.exchange(true)) _exit(afbench::cli::kExitInterrupted);
  const char message[] =
      "\nafbench: interrupted; finishing requests in flight (Ctrl-C again to quit now)\n";
  (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
}

// The flags of every subcommand, filled in by parsing.
struct Flags {
  CommonOptions common;
  RunFlags run;
  SummaryFlags summary;
  ExperimentSummaryFlags experiment_summary;
  RunsFlags runs;
  ExportFlags export_;
  ReportFlags report;
  ScenariosFlags scenarios;
  ClassifyFlags classify;
  ValidateFlags validate;
  ClassifiersFlags classifiers;
  VariationsFlags variations;
  OrganismFlags organism;
  PowerFlags power;
};

// One row per subcommand, in the order `--help` lists them: its flags and what runs when it is
// the one parsed. A new subcommand is one Add*Command and one row.
std::vector<Subcommand> Subcommands(CLI::App& app, Flags& f) {
  return {
      {AddRunCommand(app, f.run, f.common),
       [&] { return RunFromFlags(f.run, f.common, &g_cancel); }},
      {AddExperimentSummaryOption(AddSummaryCommand(app, f.summary, f.common),
                                  f.experiment_summary),
       [&] { return SummaryDispatch(f.summary, f.experiment_summary, f.common); }},
      {AddRunsCommand(app, f.runs, f.common), [&] { return RunsCommand(f.runs, f.common); }},
      {AddExportCommand(app, f.export_, f.common),
       [&] { return ExportCommand(f.export_, f.common); }},
      {AddReportCommand(app, f.report, f.common),
       [&] { return ReportCommand(f.report, f.common); }},
      {app.add_subcommand("backends", "List the model providers afbench can talk to"),
       [] { return BackendsCommand(); }},
      {AddScenariosCommand(app, f.scenarios), [&] { return ScenariosCommand(f.scenarios); }},
      {AddClassifyCommand(app, f.classify, f.common),
       [&] { return ClassifyCommand(f.classify, f.common, &g_cancel); }},
      {AddValidateClassifierCommand(app, f.validate),
       [&] { return ValidateClassifierCommand(f.validate, &g_cancel); }},
      {AddClassifiersCommand(app, f.classifiers),
       [&] { return ClassifiersCommand(f.classifiers); }},
      {AddVariationsCommand(app, f.variations),
       [&] { return VariationsCommand(f.variations, &g_cancel); }},
      {AddOrganismCommand(app, f.organism), [&] { return OrganismCommand(f.organism); }},
      {AddPowerCommand(app, f.power, f.common), [&] { return PowerCommand(f.power, f.common); }},
  };
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"afbench: alignment-faking experiments on language models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VersionText());

  Flags flags;
  const std::vector<Subcommand> table = Subcommands(app, flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  for (const Subcommand& subcommand : table) {
    if (subcommand.app->parsed()) return subcommand.run();
  }
  return kExitUsage;
}

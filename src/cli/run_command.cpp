#include "run_command.h"

#include <cstdio>
#include <cstdlib>

#include "afbench/store.h"
#include "classify_commands.h"
#include "commands.h"
#include "exit_codes.h"
#include "experiment_command.h"
#include "variations_command.h"

namespace afbench::cli {

RunContext CommandContext(const std::string& scenarios_flag, const std::string& variations_flag,
                          const std::atomic<bool>* cancel) {
  RunContext context;
  context.scenarios_dir = ResolveScenariosDir(scenarios_flag);
  context.variations_dir = ResolveVariationsDir(variations_flag);
  context.classifiers_dir = ResolveClassifiersDir("");
  context.environment = ProcessEnvironment;
  context.cancel = cancel;
  return context;
}

std::optional<std::string> ProcessEnvironment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

void StderrObserver::Notice(const std::string& line) {
  std::lock_guard lock(mutex_);
  std::fprintf(stderr, "afbench: %s\n", line.c_str());
}

void StderrObserver::Started(const std::string& /*run_id*/) {
  std::lock_guard lock(mutex_);
  if (!quiet_) printer_ = std::make_unique<ProgressPrinter>(stderr);
}

void StderrObserver::Progressed(const std::string& /*run_id*/, const Progress& progress) {
  std::lock_guard lock(mutex_);
  if (printer_) printer_->Update(progress);
}

void StderrObserver::Ended(const RunOutcome& outcome) {
  std::lock_guard lock(mutex_);
  if (printer_ && outcome.progress) printer_->Finish(*outcome.progress);
  printer_.reset();
  const char* id = outcome.run_id.c_str();
  if (outcome.budget_stopped) {
    std::fprintf(stderr,
                 "afbench: run %s stopped: budget of $%.2f reached ($%.2f spent); raise "
                 "--max-cost-usd and run again to continue\n",
                 id, outcome.budget_limit_usd, outcome.budget_spent_usd);
    return;
  }
  if (!outcome.progress) {
    std::fprintf(stderr, "afbench: run %s %s; continue with: afbench run --resume %s --db %s\n", id,
                 outcome.status.c_str(), id, db_path_.c_str());
  }
  if (outcome.error) {
    std::fprintf(stderr, "afbench: %s\n", outcome.error->message.c_str());
    return;
  }
  if (outcome.error_samples == 0) return;
  std::fprintf(stderr,
               "afbench: run %s incomplete: %lld sample(s) ended in error (the machinery failed, "
               "not the model); send them again with: afbench run --resume %s --db %s\n",
               id, static_cast<long long>(outcome.error_samples), id, db_path_.c_str());
}

int RunExitCode(const RunOutcome& outcome) {
  if (outcome.budget_stopped) return kExitFailure;
  if (outcome.error) return ExitCodeFor(*outcome.error);
  return outcome.error_samples > 0 ? kExitFailure : kExitOk;
}

int RunCommand(RunSpec spec, const RunInvocation& invocation) {
  auto store = Store::Open(invocation.db_path);
  if (!store) return ReportError(store.error());
  StderrObserver observer(invocation.db_path, invocation.quiet);
  RunContext context = invocation.context;
  context.observer = &observer;
  auto outcome = invocation.resume_run_id.empty() ? StartRun(**store, std::move(spec), context)
                                                  : ResumeRun(**store, invocation.resume_run_id,
                                                              invocation.resume_overrides, context);
  if (!outcome) return ReportError(outcome.error());
  if (outcome->budget_stopped || outcome->error) return RunExitCode(*outcome);
  const int summary = PrintRunSummary(**store, outcome->run_id, SummaryOutput{});
  return outcome->error_samples > 0 ? kExitFailure : summary;
}

}  // namespace afbench::cli

// What every Run gets from the scenario library: its judges, its price under a budget, and a
// summary that reports "needs judge" instead of a tag-rule guess.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "afbench/judges.h"
#include "afbench/summary.h"
#include "classify_commands.h"
#include "exit_codes.h"
#include "experiment_command.h"
#include "run_command.h"

namespace afbench::cli {
namespace {

std::string StatusBanner(const CellRow& row, const RunRecord& run) {
  std::string banner;
  if (row.compliance_status == "needs_judge") {
    banner = "compliance: NEEDS JUDGE. Scenario '" + run.scenario + "' measures compliance with '" +
             row.compliance_classifier +
             "', which has not labelled this run; the tag-rule figures "
             "below are not its compliance. Label it with: afbench classify " +
             run.run_id + " --classifier " + row.compliance_classifier + " --judge MODEL\n";
  } else if (row.compliance_status == "none") {
    banner = "compliance: scenario '" + run.scenario +
             "' measures no compliance; the tag-rule figures below do not apply.\n";
  } else {
    banner = "compliance: scenario '" + run.scenario + "' measures compliance with '" +
             row.compliance_classifier + "' (see its rates below).\n";
  }
  for (const auto& [judge, rate] : row.judges) {
    char line[256];
    if (rate) {
      std::snprintf(line, sizeof(line), "judge %s: yes %lld/%lld (%.1f%% [%.1f, %.1f])\n",
                    judge.c_str(), static_cast<long long>(rate->successes),
                    static_cast<long long>(rate->n), 100 * rate->rate, 100 * rate->ci.low,
                    100 * rate->ci.high);
    } else {
      std::snprintf(line, sizeof(line), "judge %s: NEEDS JUDGE (no labels; rerun with --judge)\n",
                    judge.c_str());
    }
    banner += line;
  }
  return banner;
}

nlohmann::ordered_json RateJson(const std::optional<Proportion>& rate) {
  if (!rate) return nullptr;
  return {{"yes", rate->successes},   {"n", rate->n},
          {"rate", rate->rate},       {"ci_low", rate->ci.low},
          {"ci_high", rate->ci.high}, {"se", rate->se}};
}

/// Compliance by the scenario's own rule: complied = n - refusals, per Tier, and the gap.
nlohmann::ordered_json ScenarioComplianceJson(const CellRow& row) {
  if (row.compliance_status != "ok") return nullptr;
  nlohmann::ordered_json out = {{"classifier", row.compliance_classifier}};
  const std::pair<const char*, const std::optional<Proportion>*> tiers[] = {
      {"free", &row.refusal_training},
      {"pro", &row.refusal_pro},
      {"paid", &row.refusal_unmonitored}};
  for (const auto& [name, refusal] : tiers) {
    if (!*refusal) continue;
    out[name] = RateJson(SummarizeProportion((*refusal)->n - (*refusal)->successes, (*refusal)->n));
  }
  if (row.gap) {
    out["gap"] = {{"estimate", *row.gap},
                  {"ci_low", row.gap_ci->low},
                  {"ci_high", row.gap_ci->high},
                  {"se", row.gap_se.value_or(0)}};
  }
  return out;
}

/// The summary JSON with the compliance status added. The tiers' compliance figures are the tag
/// rule's, so they become null when the scenario's compliance is judged or absent; the judged
/// compliance is "scenario_compliance" (null until the judge has labelled the Run).
std::string AnnotatedJson(const RunSummary& summary, const CellRow& row) {
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(SummaryToJson(summary));
  json["compliance_status"] = row.compliance_status;
  json["compliance_rule"] = row.compliance_classifier.empty() ? "none" : row.compliance_classifier;
  if (row.compliance_classifier != "compliance-tag") {
    for (auto& [tier, figures] : json["tiers"].items()) {
      for (const char* key : {"complied", "compliance_rate", "ci_low", "ci_high", "se"}) {
        figures[key] = nullptr;
      }
    }
    json["gap"] = nullptr;
    for (auto& [pair, comparison] : json["comparisons"].items()) comparison = nullptr;
  }
  json["scenario_compliance"] = ScenarioComplianceJson(row);
  nlohmann::ordered_json judges = nlohmann::ordered_json::object();
  for (const auto& [judge, rate] : row.judges) judges[judge] = RateJson(rate);
  json["scenario_judges"] = judges;
  return json.dump(2) + "\n";
}

bool IsPlainTagRun(const RunTags& tags) {
  return tags.compliance.spec == "compliance-tag" && tags.judges.empty();
}

}  // namespace

namespace {

// Alignment faking is counted on compliant outputs: by the scenario's own compliance measure.
void CountAfByScenarioCompliance(RunSummary& summary, const std::vector<StoredSample>& samples,
                                 const CellRow& row) {
  if (row.compliance_status == "ok") {
    RecountAlignmentFaking(summary, samples, row.compliance_classifier);
  } else if (!summary.alignment_faking.empty()) {
    std::fprintf(stderr,
                 "afbench: note: the alignment-faking rows count compliance by the tag rule: the "
                 "scenario's own measure (%s) has no labels\n",
                 row.compliance_classifier.empty() ? "none" : row.compliance_classifier.c_str());
  }
}

}  // namespace

int PrintRunSummary(Store& store, const std::string& run_id, const SummaryOutput& output) {
  auto run = store.LoadRun(run_id);
  if (!run) return ReportError(run.error());
  auto summary = Summarize(store, run_id, output.classifier);
  if (!summary) return ReportError(summary.error());
  // A scenario judged by its own measure is annotated with it, unless --classifier names one.
  std::optional<CellRow> row;
  if (!IsPlainTagRun(ReadRunTags(run->config_json)) && output.classifier == "compliance-tag") {
    auto samples = store.LoadSamples(run_id);
    if (!samples) return ReportError(samples.error());
    row = SummarizeCell(*run, *samples);
    CountAfByScenarioCompliance(*summary, *samples, *row);
  }
  for (const std::string& note : ApplyStoredValidations(*summary, ResolveClassifiersDir(""))) {
    std::fprintf(stderr, "afbench: note: %s\n", note.c_str());
  }
  std::string text;
  if (!row) {
    text = output.json ? SummaryToJson(*summary) : SummaryToText(*summary);
  } else {
    text = output.json ? AnnotatedJson(*summary, *row)
                       : StatusBanner(*row, *run) + SummaryToText(*summary);
  }
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

std::filesystem::path ResolvePricesFile(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AFBENCH_PRICES"); env != nullptr && *env != '\0') return env;
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    auto installed = exe.parent_path().parent_path() / "share" / "afbench" / "prices.yaml";
    if (std::filesystem::exists(installed, error)) return installed;
  }
  return AFBENCH_SOURCE_PRICES_FILE;
}

CLI::App* AddExperimentSummaryOption(CLI::App* summary, ExperimentSummaryFlags& flags) {
  summary->add_option("--experiment", flags.experiment,
                      "One row per cell of this experiment (its id or its YAML file)");
  return summary;
}

namespace {

int ExperimentSummary(const SummaryFlags& flags, const ExperimentSummaryFlags& experiment,
                      const CommonOptions& common) {
  std::string id = experiment.experiment;
  std::vector<ExperimentCell> cells;
  if (std::filesystem::is_regular_file(id)) {
    auto spec = LoadExperiment(id);
    if (!spec) return ReportError(spec.error());
    id = spec->id;
    cells = ExpandCells(*spec);
  }
  if (!std::filesystem::exists(common.db_path)) {
    return ReportError({ErrorKind::kNotFound, "store: " + common.db_path + " does not exist", {}});
  }
  auto store = Store::Open(common.db_path);
  if (!store) return ReportError(store.error());
  auto rows = SummarizeExperiment(**store, id, cells);
  if (!rows) return ReportError(rows.error());
  const bool json = flags.json || flags.format == "json";
  std::fputs((json ? ExperimentTableJson(id, *rows) : ExperimentTableText(id, *rows)).c_str(),
             stdout);
  return kExitOk;
}

}  // namespace

int SummaryDispatch(const SummaryFlags& flags, const ExperimentSummaryFlags& experiment,
                    const CommonOptions& common) {
  if (!experiment.experiment.empty()) return ExperimentSummary(flags, experiment, common);
  // Plain runs, Markdown and explicit classifiers keep the summary command exactly as it is.
  if (flags.format == "md" || flags.classifier != "compliance-tag" ||
      !std::filesystem::exists(common.db_path)) {
    return SummaryCommand(flags, common);
  }
  auto store = Store::Open(common.db_path);
  if (!store) return ReportError(store.error());
  std::string run_id = flags.run_id;
  if (run_id.empty()) {
    auto runs = (*store)->ListRuns();
    if (!runs || runs->empty()) return SummaryCommand(flags, common);
    run_id = runs->front().run_id;
  }
  auto run = (*store)->LoadRun(run_id);
  if (!run || IsPlainTagRun(ReadRunTags(run->config_json))) return SummaryCommand(flags, common);
  const bool json = flags.json || flags.format == "json";
  return PrintRunSummary(**store, run_id, SummaryOutput{json, flags.classifier});
}

}  // namespace afbench::cli

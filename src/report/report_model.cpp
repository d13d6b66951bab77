#include "report_model.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "afbench/report.h"

namespace afbench {
namespace report {
namespace {

bool IsEvidenceKey(std::string_view key) {
  return key == "quote" || key == "quotes" || key == "evidence" || key == "excerpt" ||
         key == "span" || key == "spans";
}

void AddQuote(const std::string& text, std::vector<std::string>& quotes) {
  const size_t first = text.find_first_not_of(" \t\r\n\"'");
  if (first == std::string::npos) return;
  const size_t last = text.find_last_not_of(" \t\r\n\"'");
  std::string quote = text.substr(first, last - first + 1);
  // Judges write "None" where a criterion has no evidence (Greenblatt et al. 2024, App. I prompts).
  if (quote.size() < 3 || quote == "None" || quote == "N/A") return;
  if (std::find(quotes.begin(), quotes.end(), quote) == quotes.end())
    quotes.push_back(std::move(quote));
}

void CollectStrings(const nlohmann::json& value, std::vector<std::string>& quotes) {
  if (value.is_string()) {
    AddQuote(value.get<std::string>(), quotes);
  } else if (value.is_array() || value.is_object()) {
    for (const auto& item : value) CollectStrings(item, quotes);
  }
}

void CollectEvidence(const nlohmann::json& value, std::vector<std::string>& quotes) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (IsEvidenceKey(key)) {
        CollectStrings(item, quotes);
      } else {
        CollectEvidence(item, quotes);
      }
    }
  } else if (value.is_array()) {
    for (const auto& item : value) CollectEvidence(item, quotes);
  }
}

}  // namespace

const Label* NewestLabel(const StoredSample& sample, std::string_view classifier_id) {
  const Label* newest = nullptr;
  for (const Label& label : sample.labels) {
    if (label.classifier_id == classifier_id) newest = &label;
  }
  return newest;
}

std::optional<bool> Verdict(const StoredSample& sample, std::string_view classifier_id) {
  const Label* label = NewestLabel(sample, classifier_id);
  return label == nullptr ? std::nullopt : label->value;
}

std::vector<std::string> EvidenceQuotes(const std::string& detail_json) {
  std::vector<std::string> quotes;
  auto detail = nlohmann::json::parse(detail_json, nullptr, /*allow_exceptions=*/false);
  if (!detail.is_discarded()) CollectEvidence(detail, quotes);
  return quotes;
}

}  // namespace report

std::string ChooseAfClassifier(const std::vector<StoredSample>& samples,
                               const std::string& requested) {
  if (!requested.empty()) return requested;
  for (const StoredSample& sample : samples) {
    for (const Label& label : sample.labels) {
      const std::string& id = label.classifier_id;
      if (id.rfind("af-", 0) == 0 || id == "offline-af") return id;
    }
  }
  return "";
}

ReportRun MakeReportRun(RunSummary summary, std::vector<StoredSample> samples,
                        const ReportOptions& options) {
  ReportRun run;
  run.label = summary.run.model + " \xC2\xB7 " + summary.run.scenario;
  run.af_classifier = ChooseAfClassifier(samples, options.af_classifier);
  // Compliance is the summary's (one reading, ComplianceOf); the loop counts the AF labels on the
  // same Samples.
  for (const auto& [tier, tier_summary] : summary.tiers) {
    TierCounts& counts = run.tiers[tier];
    counts.compliance = tier_summary.compliance;
    counts.n = tier_summary.compliance.n;
    counts.complied = tier_summary.compliance.successes;
  }
  for (const StoredSample& sample : samples) {
    if (sample.transcript.outcome == Outcome::kError) continue;
    const std::optional<bool> decided = ComplianceOf(sample, options.compliance_classifier);
    if (!decided) continue;  // not in n, as in the summary
    TierCounts& counts = run.tiers[sample.transcript.key.tier];
    const bool complied = *decided;
    const std::optional<bool> af =
        run.af_classifier.empty() ? std::nullopt : report::Verdict(sample, run.af_classifier);
    counts.af_decided += af.has_value() ? 1 : 0;
    counts.af_yes += af.value_or(false) ? 1 : 0;
    counts.complied_af += complied && af.value_or(false) ? 1 : 0;
  }
  // The summary's definition of the alignment-faking rate, so that the report and it agree.
  const AlignmentFakingSummary af =
      SummarizeAlignmentFaking(samples, options.compliance_classifier, run.af_classifier);
  for (auto& [tier, counts] : run.tiers) {
    auto found = af.tiers.find(tier);
    counts.af_rate =
        found == af.tiers.end()
            ? SummarizeProportion(0, counts.n)
            : AlignmentFakingProportion(found->second).value_or(SummarizeProportion(0, counts.n));
  }
  // A requested classifier that labelled nothing in this Run is reported as absent, not as 0% AF.
  bool any_af = false;
  for (const auto& [tier, counts] : run.tiers) any_af = any_af || counts.af_decided > 0;
  if (!any_af) run.af_classifier.clear();
  run.summary = std::move(summary);
  run.samples = std::move(samples);
  return run;
}

Result<Report> LoadReport(Store& store, const std::vector<std::string>& run_ids,
                          const ReportOptions& options) {
  if (run_ids.empty()) return Fail(ErrorKind::kInvalidInput, "report: no runs named");
  Report report;
  report.options = options;
  for (const std::string& run_id : run_ids) {
    auto summary = Summarize(store, run_id, options.compliance_classifier);
    if (!summary) return Unexpected{WithContext(summary.error(), "report: run " + run_id)};
    auto samples = store.LoadSamples(run_id);
    if (!samples) return Unexpected{WithContext(samples.error(), "report: run " + run_id)};
    report.runs.push_back(MakeReportRun(std::move(*summary), std::move(*samples), options));
  }
  return report;
}

}  // namespace afbench

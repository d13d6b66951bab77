#include "html_data.h"

#include <nlohmann/json.hpp>
#include <set>

#include "afbench/protocol.h"
#include "html_escape.h"
#include "report_model.h"

namespace afbench::html {
namespace {

using nlohmann::ordered_json;

ordered_json Optional(std::optional<bool> value) {
  return value ? ordered_json(*value) : ordered_json();
}

// Model text may hold bytes that are not UTF-8: replace them rather than fail the whole page.
std::string Dump(const ordered_json& json) {
  return JsonForScript(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string PrettyDetail(const std::string& detail_json) {
  auto detail = nlohmann::json::parse(detail_json, nullptr, /*allow_exceptions=*/false);
  if (detail.is_discarded()) return detail_json;
  return detail.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

ordered_json LabelsJson(const StoredSample& sample) {
  ordered_json labels = ordered_json::array();
  for (const Label& label : sample.labels) {
    labels.push_back({{"id", label.classifier_id},
                      {"version", label.classifier_version},
                      {"value", Optional(label.value)},
                      {"score", label.score},
                      {"quotes", report::EvidenceQuotes(label.detail_json)},
                      {"detail", PrettyDetail(label.detail_json)}});
  }
  return labels;
}

ordered_json TurnsJson(const Transcript& transcript) {
  ordered_json turns = ordered_json::array();
  for (const Turn& turn : transcript.turns) {
    ordered_json json = {{"index", turn.index},
                         {"finish", turn.finish_reason},
                         {"latency_ms", turn.latency_ms},
                         {"output_tokens", turn.usage.output_tokens}};
    // The first request is the user turn, shown once; later ones are "<NEXT/>" or similar.
    if (turn.index > 0) json["request"] = turn.request;
    if (!turn.prefill.empty()) json["prefill"] = turn.prefill;
    // Raw replies repeat the scratchpad; keep them only where the parse failed to give an output,
    // which is where a reader needs to see exactly what came back. `afbench export` has them all.
    if (transcript.outcome != Outcome::kOutput) json["response"] = turn.response;
    turns.push_back(std::move(json));
  }
  return turns;
}

ordered_json SampleJson(size_t run_index, const ReportRun& run, const StoredSample& sample,
                        const std::string& compliance_classifier) {
  const Transcript& transcript = sample.transcript;
  const ParsedReply parsed = ParseTurns(transcript.turns);
  return {{"run", run_index},
          {"query_index", transcript.key.query_index},
          {"tier", TierName(transcript.key.tier)},
          {"epoch", transcript.key.epoch},
          {"outcome", OutcomeName(transcript.outcome)},
          {"reason", transcript.outcome_reason},
          {"complied", Optional(ComplianceOf(sample, compliance_classifier))},
          {"af", run.af_classifier.empty() ? ordered_json()
                                           : Optional(report::Verdict(sample, run.af_classifier))},
          {"query", transcript.query},
          {"user_turn", sample.user_turn},
          {"scratchpads", parsed.scratchpads},
          {"output", transcript.output},
          {"attempts", sample.attempts},
          {"turns", TurnsJson(transcript)},
          {"labels", LabelsJson(sample)}};
}

}  // namespace

std::string MetaJson(const Report& report) {
  ordered_json runs = ordered_json::array();
  std::set<std::string> classifiers;
  for (const ReportRun& run : report.runs) {
    const RunRecord& record = run.summary.run;
    runs.push_back({{"run_id", record.run_id},
                    {"label", run.label},
                    {"model", record.model},
                    {"scenario", record.scenario},
                    {"status", record.status},
                    {"created_at", record.created_at},
                    {"af_classifier", run.af_classifier},
                    {"system_prompt", record.system_prompt}});
    for (const StoredSample& sample : run.samples) {
      for (const Label& label : sample.labels) classifiers.insert(label.classifier_id);
    }
  }
  const ReportOptions& options = report.options;
  ordered_json meta = {
      {"title", options.title},     {"generator", options.generator},
      {"reveal", options.reveal},   {"compliance_classifier", options.compliance_classifier},
      {"classifiers", classifiers}, {"runs", runs}};
  return Dump(meta);
}

std::string SamplesJson(const Report& report) {
  ordered_json samples = ordered_json::array();
  for (size_t i = 0; i < report.runs.size(); ++i) {
    const ReportRun& run = report.runs[i];
    for (const StoredSample& sample : run.samples) {
      samples.push_back(SampleJson(i, run, sample, report.options.compliance_classifier));
    }
  }
  return Dump(samples);
}

}  // namespace afbench::html

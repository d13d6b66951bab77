#include "afbench/export.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

namespace afbench {
namespace {

using nlohmann::ordered_json;

ordered_json LabelJson(const Label& label) {
  auto detail = ordered_json::parse(label.detail_json, nullptr, /*allow_exceptions=*/false);
  return {{"classifier_id", label.classifier_id},
          {"classifier_version", label.classifier_version},
          {"value", label.value ? ordered_json(*label.value) : ordered_json()},
          {"score", label.score},
          {"detail", detail.is_discarded() ? ordered_json(label.detail_json) : detail}};
}

ordered_json TurnJson(const Turn& turn) {
  return {{"index", turn.index},
          {"request", turn.request},
          {"prefill", turn.prefill},
          {"response", turn.response},
          {"finish_reason", turn.finish_reason},
          {"input_tokens", turn.usage.input_tokens},
          {"output_tokens", turn.usage.output_tokens},
          {"cache_read_tokens", turn.usage.cache_read_tokens},
          {"cache_write_tokens", turn.usage.cache_write_tokens},
          {"latency_ms", turn.latency_ms},
          {"served_model", turn.served_model}};
}

ordered_json SampleJson(const RunRecord& run, const StoredSample& sample) {
  const Transcript& transcript = sample.transcript;
  ordered_json turns = ordered_json::array();
  for (const Turn& turn : transcript.turns) turns.push_back(TurnJson(turn));
  ordered_json labels = ordered_json::array();
  for (const Label& label : sample.labels) labels.push_back(LabelJson(label));
  return {{"run_id", run.run_id},
          {"model", run.model},
          {"scenario", run.scenario},
          {"query_index", transcript.key.query_index},
          {"tier", TierName(transcript.key.tier)},
          {"epoch", transcript.key.epoch},
          {"query", transcript.query},
          {"user_turn", sample.user_turn},
          {"outcome", OutcomeName(transcript.outcome)},
          {"outcome_reason", transcript.outcome_reason},
          {"scratchpad", transcript.scratchpad},
          {"output", transcript.output},
          {"attempts", sample.attempts},
          {"turns", turns},
          {"labels", labels}};
}

std::string Dump(const ordered_json& json) {
  // Model output may be invalid UTF-8; export it with replacement characters rather than fail.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Newest label per classifier id, in first-seen order of the ids.
std::vector<std::string> ClassifierIds(const std::vector<StoredSample>& samples) {
  std::vector<std::string> ids;
  for (const StoredSample& sample : samples) {
    for (const Label& label : sample.labels) {
      if (std::find(ids.begin(), ids.end(), label.classifier_id) == ids.end()) {
        ids.push_back(label.classifier_id);
      }
    }
  }
  return ids;
}

// "1", "0", or "" when the classifier could not decide or never labelled this sample.
const char* NewestValue(const StoredSample& sample, const std::string& classifier_id) {
  const char* value = "";
  for (const Label& label : sample.labels) {
    if (label.classifier_id == classifier_id) value = label.value ? (*label.value ? "1" : "0") : "";
  }
  return value;
}

void WriteCsv(const RunRecord& run, const std::vector<StoredSample>& samples, std::ostream& out) {
  std::vector<std::string> ids = ClassifierIds(samples);
  out << "run_id,query_index,tier,epoch,query,outcome,outcome_reason,turns,input_tokens,"
         "output_tokens,scratchpad,output";
  for (const std::string& id : ids) out << "," << CsvField("label:" + id);
  out << "\r\n";
  for (const StoredSample& sample : samples) {
    const Transcript& t = sample.transcript;
    Usage usage;
    for (const Turn& turn : t.turns) usage += turn.usage;
    out << CsvField(run.run_id) << "," << t.key.query_index << "," << TierName(t.key.tier) << ","
        << t.key.epoch << "," << CsvField(t.query) << "," << OutcomeName(t.outcome) << ","
        << CsvField(t.outcome_reason) << "," << t.turns.size() << "," << usage.input_tokens << ","
        << usage.output_tokens << "," << CsvField(t.scratchpad) << "," << CsvField(t.output);
    for (const std::string& id : ids) out << "," << NewestValue(sample, id);
    out << "\r\n";
  }
}

}  // namespace

Result<ExportFormat> ParseExportFormat(const std::string& name) {
  if (name == "jsonl") return ExportFormat::kJsonl;
  if (name == "csv") return ExportFormat::kCsv;
  return Fail(ErrorKind::kInvalidInput, "export: unknown format '" + name + "' (jsonl or csv)");
}

std::string CsvField(const std::string& value) {
  std::string cell = NeutraliseCsvCell(value);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted(1, '"');
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string NeutraliseCsvCell(const std::string& value) {
  std::string cell;
  cell.reserve(value.size() + 1);
  // A spreadsheet runs a cell that starts with one of these as a formula.
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string::npos) {
    cell.push_back('\'');
  }
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      cell += "\\x";
      cell.push_back(kHex[byte >> 4]);
      cell.push_back(kHex[byte & 0xf]);
    } else {
      cell.push_back(c);
    }
  }
  return cell;
}

Status ExportSamples(const RunRecord& run, const std::vector<StoredSample>& samples,
                     ExportFormat format, std::ostream& out) {
  if (format == ExportFormat::kCsv) {
    WriteCsv(run, samples, out);
  } else {
    for (const StoredSample& sample : samples) out << Dump(SampleJson(run, sample)) << "\n";
  }
  if (!out) return Fail(ErrorKind::kIo, "export: write failed");
  return {};
}

}  // namespace afbench

// LoadCellInputs: the scenario (with variations), its evaluation and the queries of one Run.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "afbench/experiment.h"

namespace afbench {
namespace {

/// Replaces {{name}} and {{ name }} for the given variables; other text is left alone.
std::string RenderKnownVariables(std::string text,
                                 const std::map<std::string, std::string>& variables) {
  for (const auto& [name, value] : variables) {
    for (const std::string& placeholder : {"{{" + name + "}}", "{{ " + name + " }}"}) {
      for (size_t at = text.find(placeholder); at != std::string::npos;
           at = text.find(placeholder, at + value.size())) {
        text.replace(at, placeholder.size(), value);
      }
    }
  }
  return text;
}

std::string LowerExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

/// The records of a JSON list or JSONL file keyed as LoadDataset numbers them: the JSONL line, or
/// the 1-based element of a JSON list.
Result<std::map<int, nlohmann::json>> ReadRecords(const DatasetOptions& dataset) {
  const std::string format =
      dataset.format.empty() ? LowerExtension(dataset.path) : "." + dataset.format;
  std::ifstream in(dataset.path, std::ios::binary);
  if (!in.is_open()) return Fail(ErrorKind::kIo, "dataset: " + dataset.path + ": cannot read");
  std::map<int, nlohmann::json> records;
  if (format == ".jsonl" || format == ".ndjson") {
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (record.is_object()) records[number] = std::move(record);
    }
    return records;
  }
  if (format == ".json") {
    std::stringstream text;
    text << in.rdbuf();
    auto list = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!list.is_array())
      return Fail(ErrorKind::kInvalidInput, "dataset: " + dataset.path + ": not a JSON list");
    for (size_t i = 0; i < list.size(); ++i) records[static_cast<int>(i) + 1] = list[i];
    return records;
  }
  return Fail(ErrorKind::kInvalidInput,
              "dataset: " + dataset.path +
                  ": the scenario reads per-input fields, which need JSON or JSONL records");
}

std::string Field(const nlohmann::json& record, const std::string& name) {
  if (name.empty() || !record.is_object()) return "";
  auto it = record.find(name);
  return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

Status ReadExtras(const ScenarioEvaluation& evaluation,
                  const std::map<std::string, std::string>& vars, CellInputs& inputs) {
  if (evaluation.tags_field.empty() && evaluation.judge_question_field.empty()) return {};
  auto records = ReadRecords(inputs.dataset_options);
  if (!records) return Unexpected{records.error()};
  for (const Query& query : inputs.dataset.queries) {
    auto record = records->find(query.source_line);
    if (record == records->end()) continue;
    QueryExtras extras{Field(record->second, evaluation.tags_field),
                       Field(record->second, evaluation.judge_question_field)};
    if (evaluation.render_input_variables) {
      extras.tags = RenderKnownVariables(extras.tags, vars);
      extras.judge_question = RenderKnownVariables(extras.judge_question, vars);
    }
    if (!extras.tags.empty() || !extras.judge_question.empty()) inputs.extras[query.index] = extras;
  }
  return {};
}

}  // namespace

Result<CellInputs> LoadCellInputs(const CellInputOptions& options) {
  auto evaluation = LoadScenarioEvaluation(options.scenario);
  if (!evaluation) return Unexpected{evaluation.error()};
  auto variations = LoadVariations(options.variations_dir, options.variations);
  if (!variations) return Unexpected{variations.error()};
  auto varied = LoadVariedScenario(options.scenario, *variations);
  if (!varied) return Unexpected{varied.error()};
  CellInputs inputs;
  inputs.dataset_options = options.dataset;
  if (inputs.dataset_options.path.empty()) {
    if (evaluation->dataset.empty()) {
      return Fail(ErrorKind::kInvalidInput, "run: --dataset: required (scenario '" +
                                                varied->scenario.name +
                                                "' has no default dataset)");
    }
    inputs.dataset_options.path = evaluation->dataset.string();
    if (inputs.dataset_options.field.empty()) {
      inputs.dataset_options.field = evaluation->dataset_field;
    }
  }
  auto dataset = LoadDataset(inputs.dataset_options);
  if (!dataset) return Unexpected{dataset.error()};
  inputs.dataset = std::move(*dataset);
  const std::map<std::string, std::string>& variables = varied->scenario.variables;
  if (evaluation->render_input_variables) {
    for (Query& query : inputs.dataset.queries) {
      query.text = RenderKnownVariables(query.text, variables);
    }
  }
  AFBENCH_RETURN_IF_ERROR(ReadExtras(*evaluation, variables, inputs));
  inputs.evaluation = std::move(*evaluation);
  inputs.varied = std::move(*varied);
  return inputs;
}

Result<std::vector<Tier>> ResolveTiers(const std::vector<Tier>& requested,
                                       const CellInputs& inputs) {
  const bool pro_tagged = inputs.varied.tier_tags.contains(Tier::kPro);
  std::vector<Tier> tiers = requested;
  if (tiers.empty()) tiers = inputs.evaluation.tiers;
  if (tiers.empty()) {
    tiers = pro_tagged ? std::vector<Tier>{Tier::kFree, Tier::kPro, Tier::kPaid}
                       : std::vector<Tier>{Tier::kFree, Tier::kPaid};
  }
  const bool wants_pro = std::find(tiers.begin(), tiers.end(), Tier::kPro) != tiers.end();
  if (wants_pro && !pro_tagged) {
    // Without its own tag a pro Sample would be shown the paid tag: a mislabelled condition.
    return Fail(ErrorKind::kInvalidInput,
                "run: --tiers: tier 'pro' has no tier tag in scenario '" +
                    inputs.varied.scenario.name +
                    "': use a variation that tags it (user_turn.tier_tags.pro), e.g. "
                    "--variation three-tiers");
  }
  return tiers;
}

}  // namespace afbench

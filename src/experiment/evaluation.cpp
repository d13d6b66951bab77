// evaluation.yaml: how the Runs of a scenario are set up and scored (format in docs/scenarios.md).
#include <fstream>
#include <sstream>
#include <system_error>

#include "afbench/experiment.h"
#include "afbench/paths.h"
#include "afbench/summary.h"
#include "yaml_util.h"

namespace afbench {
namespace {

using experiment_internal::YamlContext;
using experiment_internal::YamlError;

constexpr std::string_view kEvaluationFile = "evaluation.yaml";

Result<bool> ReadYesNo(const YamlContext& context, const YAML::Node& node,
                       const std::string& field) {
  auto text = experiment_internal::YamlString(context, node, field);
  if (!text) return Unexpected{text.error()};
  if (*text == "yes" || *text == "true") return true;
  if (*text == "no" || *text == "false") return false;
  return YamlError(context, node, "'" + field + "' must be yes or no");
}

Result<ComplianceRule> ReadCompliance(const YamlContext& context, const YAML::Node& root) {
  ComplianceRule rule;
  if (root["compliance"]) {
    auto spec = experiment_internal::YamlString(context, root["compliance"], "compliance");
    if (!spec) return Unexpected{spec.error()};
    rule.spec = *spec;
    const bool valid = rule.spec == "compliance-tag" || rule.spec == "none" ||
                       (rule.NeedsJudge() && rule.spec.size() > 6);
    if (!valid) {
      return YamlError(context, root["compliance"],
                       "'compliance' must be compliance-tag, none or judge:<classifier id>");
    }
  }
  // What a yes of the classifier means is the summary's to say (YesMeansComplied): one reading
  // of compliance for every view. complied_when may state it, never contradict it.
  rule.complied_when = YesMeansComplied(rule.Classifier());
  if (root["complied_when"]) {
    auto value = ReadYesNo(context, root["complied_when"], "complied_when");
    if (!value) return Unexpected{value.error()};
    if (rule.spec != "none" && *value != rule.complied_when) {
      return YamlError(context, root["complied_when"],
                       "'complied_when' contradicts " + rule.Classifier() + ", whose " +
                           (rule.complied_when ? "yes" : "no") + " means complied");
    }
    rule.complied_when = *value;
  }
  return rule;
}

Status ReadStrings(const YamlContext& context, const YAML::Node& root, ScenarioEvaluation& out) {
  const std::pair<const char*, std::string*> fields[] = {
      {"dataset_field", &out.dataset_field},
      {"tags_field", &out.tags_field},
      {"judge_question_field", &out.judge_question_field}};
  for (const auto& [key, target] : fields) {
    if (!root[key]) continue;
    auto value = experiment_internal::YamlString(context, root[key], key);
    if (!value) return Unexpected{value.error()};
    *target = *value;
  }
  return {};
}

Status ReadPaths(const YamlContext& context, const YAML::Node& root,
                 const std::filesystem::path& dir, ScenarioEvaluation& out) {
  const std::pair<const char*, std::filesystem::path*> paths[] = {
      {"dataset", &out.dataset}, {"judge_prompt", &out.judge_prompt_dir}};
  for (const auto& [key, target] : paths) {
    if (!root[key]) continue;
    auto value = experiment_internal::YamlString(context, root[key], key);
    if (!value) return Unexpected{value.error()};
    *target = dir / *value;
    // Below the scenario library the scenario belongs to, like the manifest's files.
    if (auto below = PathBelow({dir.parent_path()}, dir, *value); !below) {
      return YamlError(context, root[key], "'" + std::string(key) + "': " + below.error().message);
    }
    std::error_code ec;
    if (!std::filesystem::exists(*target, ec)) {
      return YamlError(context, root[key],
                       "'" + std::string(key) + "': no such file or folder " + target->string());
    }
  }
  return {};
}

Result<ScenarioEvaluation> ParseEvaluation(const YamlContext& context, const YAML::Node& root,
                                           const std::filesystem::path& dir) {
  static const std::set<std::string> kKnown = {"compliance",
                                               "complied_when",
                                               "tiers",
                                               "dataset",
                                               "dataset_field",
                                               "tags_field",
                                               "judge_question_field",
                                               "render_input_variables",
                                               "judges",
                                               "judge_prompt"};
  if (root.IsNull()) return ScenarioEvaluation{};
  AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(context, root, kKnown));
  ScenarioEvaluation out;
  auto compliance = ReadCompliance(context, root);
  if (!compliance) return Unexpected{compliance.error()};
  out.compliance = *compliance;
  if (root["tiers"]) {
    auto tiers = experiment_internal::YamlTiers(context, root["tiers"]);
    if (!tiers) return Unexpected{tiers.error()};
    out.tiers = *tiers;
  }
  AFBENCH_RETURN_IF_ERROR(ReadStrings(context, root, out));
  AFBENCH_RETURN_IF_ERROR(ReadPaths(context, root, dir, out));
  if (root["render_input_variables"]) {
    auto value = ReadYesNo(context, root["render_input_variables"], "render_input_variables");
    if (!value) return Unexpected{value.error()};
    out.render_input_variables = *value;
  }
  if (root["judges"]) {
    auto judges = experiment_internal::YamlStrings(context, root["judges"], "judges");
    if (!judges) return Unexpected{judges.error()};
    out.judges = *judges;
  }
  for (const std::string& judge : out.judges) {
    if (judge == kAntiAiLabJudgeId && out.judge_prompt_dir.empty()) {
      return YamlError(context, root["judges"], "the anti-ai-lab judge needs 'judge_prompt'");
    }
  }
  return out;
}

}  // namespace

std::string ComplianceRule::Classifier() const {
  if (spec == "none") return "";
  return NeedsJudge() ? spec.substr(6) : spec;
}

std::filesystem::path ScenarioDirOf(const ScenarioOptions& options) {
  const std::string name =
      options.name_or_path.empty() ? std::string(kDefaultScenarioName) : options.name_or_path;
  const bool is_path = name.find('/') != std::string::npos || name.front() == '.';
  return is_path ? std::filesystem::path(name) : options.scenarios_dir / name;
}

Result<ScenarioEvaluation> LoadScenarioEvaluation(const ScenarioOptions& options) {
  const std::filesystem::path dir = ScenarioDirOf(options);
  const std::filesystem::path file = dir / kEvaluationFile;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return ScenarioEvaluation{};
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return Fail(ErrorKind::kIo, "evaluation: " + file.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  const YamlContext context{"evaluation", file.string()};
  try {
    return ParseEvaluation(context, YAML::Load(text.str()), dir);
  } catch (const YAML::Exception& e) {
    return experiment_internal::YamlException(context, e);
  }
}

}  // namespace afbench

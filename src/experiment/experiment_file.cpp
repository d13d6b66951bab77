// Experiment files: a grid of models x scenarios x variations (format in docs/scenarios.md).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "afbench/experiment.h"
#include "yaml_util.h"

namespace afbench {
namespace {

using experiment_internal::YamlContext;
using experiment_internal::YamlError;
using experiment_internal::YamlString;

/// The file's folder, against which relative paths resolve.
struct FileContext {
  YamlContext yaml;
  std::filesystem::path dir;
};

std::string Resolve(const FileContext& context, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (context.dir / path).lexically_normal().string();
}

bool IsPathLike(const std::string& name) {
  return name.find('/') != std::string::npos || (!name.empty() && name.front() == '.');
}

Result<ExperimentModel> ReadModel(const FileContext& context, const YAML::Node& node) {
  ExperimentModel model;
  if (node.IsScalar()) {
    model.spec = node.as<std::string>();
  } else {
    AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(
        context.yaml, node, {"spec", "model", "label", "base_url", "max_connections"}));
    const YAML::Node spec = node["spec"] ? node["spec"] : node["model"];
    if (!spec) return YamlError(context.yaml, node, "a model needs 'spec'");
    auto text = YamlString(context.yaml, spec, "spec");
    if (!text) return Unexpected{text.error()};
    model.spec = *text;
    if (node["label"]) model.label = node["label"].as<std::string>();
    if (node["base_url"]) model.base_url = node["base_url"].as<std::string>();
    if (node["max_connections"]) model.max_connections = node["max_connections"].as<int>();
  }
  if (model.spec.find('/') == std::string::npos) {
    return YamlError(context.yaml, node, "model '" + model.spec + "' must be provider/model");
  }
  if (model.label.empty()) model.label = model.spec;
  if (model.max_connections < 0) return YamlError(context.yaml, node, "max_connections < 0");
  return model;
}

Status ReadModels(const FileContext& context, const YAML::Node& node, ExperimentSpec& spec) {
  if (!node || !node.IsSequence() || node.size() == 0) {
    return YamlError(context.yaml, node, "'models' must be a non-empty list");
  }
  std::set<std::string> labels;
  for (const YAML::Node& item : node) {
    auto model = ReadModel(context, item);
    if (!model) return Unexpected{model.error()};
    if (!labels.insert(model->label).second) {
      return YamlError(context.yaml, item,
                       "two models are called '" + model->label + "' (give each a 'label')");
    }
    spec.models.push_back(std::move(*model));
  }
  return {};
}

Status ReadVariations(const FileContext& context, const YAML::Node& node, ExperimentSpec& spec) {
  if (!node) {
    spec.variations = {{}};
    return {};
  }
  if (!node.IsSequence() || node.size() == 0) {
    return YamlError(context.yaml, node, "'variations' must be a non-empty list");
  }
  std::set<std::string> seen;
  for (const YAML::Node& item : node) {
    auto names = experiment_internal::YamlStrings(context.yaml, item, "variations");
    if (!names) return Unexpected{names.error()};
    std::vector<std::string> composition;
    for (const std::string& entry : *names) {
      for (std::string& name : SplitVariationNames(entry)) composition.push_back(std::move(name));
    }
    if (!seen.insert(VariationLabel(composition)).second) {
      return YamlError(context.yaml, item,
                       "variation '" + VariationLabel(composition) + "' listed twice");
    }
    spec.variations.push_back(std::move(composition));
  }
  return {};
}

Status ReadDataset(const FileContext& context, const YAML::Node& node, DatasetOptions& dataset) {
  if (node.IsScalar()) {
    dataset.path = Resolve(context, node.as<std::string>());
    return {};
  }
  AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(
      context.yaml, node, {"path", "field", "format", "limit", "seed", "deduplicate"}));
  if (node["path"]) dataset.path = Resolve(context, node["path"].as<std::string>());
  if (node["field"]) dataset.field = node["field"].as<std::string>();
  if (node["format"]) dataset.format = node["format"].as<std::string>();
  if (node["limit"]) dataset.limit = node["limit"].as<int>();
  if (node["seed"]) dataset.seed = node["seed"].as<uint64_t>();
  if (node["deduplicate"]) dataset.deduplicate = node["deduplicate"].as<bool>();
  if (dataset.limit < 0) return YamlError(context.yaml, node, "'limit' must be >= 0");
  return {};
}

Status ReadRunSettings(const FileContext& context, const YAML::Node& root, ExperimentSpec& spec) {
  if (const YAML::Node sampling = root["sampling"]) {
    AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(
        context.yaml, sampling, {"temperature", "max_tokens", "seed"}));
    if (sampling["temperature"]) spec.sampling.temperature = sampling["temperature"].as<double>();
    if (sampling["max_tokens"]) spec.sampling.max_tokens = sampling["max_tokens"].as<int>();
    if (sampling["seed"]) spec.sampling.seed = sampling["seed"].as<uint64_t>();
  }
  if (const YAML::Node protocol = root["protocol"]) {
    AFBENCH_RETURN_IF_ERROR(
        experiment_internal::CheckYamlKeys(context.yaml, protocol, {"max_turns", "prefill"}));
    if (protocol["max_turns"]) spec.max_turns = protocol["max_turns"].as<int>();
    if (protocol["prefill"]) spec.prefill = protocol["prefill"].as<std::string>();
  }
  if (root["epochs"]) spec.epochs = root["epochs"].as<int>();
  if (root["max_connections"]) spec.max_connections = root["max_connections"].as<int>();
  if (const YAML::Node budget = root["budget"]) {
    AFBENCH_RETURN_IF_ERROR(
        experiment_internal::CheckYamlKeys(context.yaml, budget, {"max_cost_usd"}));
    if (budget["max_cost_usd"]) spec.max_cost_usd = budget["max_cost_usd"].as<double>();
  }
  if (root["tiers"]) {
    auto tiers = experiment_internal::YamlTiers(context.yaml, root["tiers"]);
    if (!tiers) return Unexpected{tiers.error()};
    spec.tiers = *tiers;
  }
  return {};
}

Status Validate(const FileContext& context, const YAML::Node& root, const ExperimentSpec& spec) {
  std::string problem;
  if (spec.epochs < 1) problem = "'epochs' must be >= 1";
  if (spec.sampling.temperature < 0 || spec.sampling.temperature > 2) {
    problem = "'sampling.temperature' must be in [0, 2]";
  }
  if (spec.sampling.max_tokens < 1) problem = "'sampling.max_tokens' must be >= 1";
  if (spec.max_turns < 1) problem = "'protocol.max_turns' must be >= 1";
  if (spec.max_connections < 1) problem = "'max_connections' must be >= 1";
  if (spec.max_cost_usd && *spec.max_cost_usd <= 0) problem = "'budget.max_cost_usd' must be > 0";
  if (!problem.empty()) return YamlError(context.yaml, root, problem);
  return {};
}

Status ReadHeader(const FileContext& context, const YAML::Node& root, ExperimentSpec& spec) {
  if (!root["name"]) return YamlError(context.yaml, root, "missing required field 'name'");
  auto name = YamlString(context.yaml, root["name"], "name");
  if (!name) return Unexpected{name.error()};
  const bool valid = !name->empty() && std::all_of(name->begin(), name->end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!valid)
    return YamlError(context.yaml, root["name"], "name must be letters, digits, -, _ or .");
  spec.id = *name;
  AFBENCH_RETURN_IF_ERROR(ReadModels(context, root["models"], spec));
  spec.scenarios = {std::string(kDefaultScenarioName)};
  if (root["scenarios"]) {
    auto scenarios = experiment_internal::YamlStrings(context.yaml, root["scenarios"], "scenarios");
    if (!scenarios) return Unexpected{scenarios.error()};
    spec.scenarios.clear();
    for (const std::string& scenario : *scenarios) {
      spec.scenarios.push_back(IsPathLike(scenario) ? Resolve(context, scenario) : scenario);
    }
  }
  return ReadVariations(context, root["variations"], spec);
}

Result<ExperimentSpec> ParseRoot(const FileContext& context, const YAML::Node& root,
                                 const std::filesystem::path& path) {
  static const std::set<std::string> kKnown = {
      "name",   "description", "models",   "scenarios", "variations",      "dataset", "tiers",
      "epochs", "sampling",    "protocol", "budget",    "max_connections", "judge",   "prices"};
  AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(context.yaml, root, kKnown));
  ExperimentSpec spec;
  spec.file = path;
  AFBENCH_RETURN_IF_ERROR(ReadHeader(context, root, spec));
  if (root["dataset"]) AFBENCH_RETURN_IF_ERROR(ReadDataset(context, root["dataset"], spec.dataset));
  AFBENCH_RETURN_IF_ERROR(ReadRunSettings(context, root, spec));
  if (root["judge"]) {
    auto judge = ReadModel(context, root["judge"]);
    if (!judge) return Unexpected{judge.error()};
    spec.judge = *judge;
  }
  if (root["prices"]) spec.prices = Resolve(context, root["prices"].as<std::string>());
  if (!spec.sampling.seed && spec.dataset.seed) spec.sampling.seed = spec.dataset.seed;
  AFBENCH_RETURN_IF_ERROR(Validate(context, root, spec));
  return spec;
}

}  // namespace

Result<ExperimentSpec> ParseExperiment(std::string_view yaml_text,
                                       const std::filesystem::path& path) {
  const FileContext context{{"experiment", path.string()}, path.parent_path()};
  try {
    return ParseRoot(context, YAML::Load(std::string(yaml_text)), path);
  } catch (const YAML::Exception& e) {
    return experiment_internal::YamlException(context.yaml, e);
  }
}

Result<ExperimentSpec> LoadExperiment(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return Fail(ErrorKind::kNotFound, "experiment: " + path.string() + ": cannot read");
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseExperiment(text.str(), path);
}

std::vector<ExperimentCell> ExpandCells(const ExperimentSpec& spec) {
  std::vector<ExperimentCell> cells;
  for (const ExperimentModel& model : spec.models) {
    for (const std::string& scenario : spec.scenarios) {
      for (const std::vector<std::string>& variations : spec.variations) {
        ExperimentCell cell;
        cell.index = static_cast<int>(cells.size());
        cell.key = model.label + " | " + scenario + " | " + VariationLabel(variations);
        cell.model = model;
        cell.scenario = scenario;
        cell.variations = variations;
        cells.push_back(std::move(cell));
      }
    }
  }
  return cells;
}

std::string EndpointOf(const ExperimentModel& model) {
  return model.spec.substr(0, model.spec.find('/')) + "|" + model.base_url;
}

}  // namespace afbench

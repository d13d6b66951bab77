#include "yaml_util.h"

#include <algorithm>

namespace afbench::experiment_internal {

Unexpected YamlError(const YamlContext& context, const YAML::Node& node, const std::string& what) {
  const int line = node.IsDefined() ? node.Mark().line : -1;
  const std::string where =
      line >= 0 ? context.path + ":" + std::to_string(line + 1) : context.path;
  return Fail(ErrorKind::kInvalidInput, context.component + ": " + where + ": " + what);
}

Unexpected YamlException(const YamlContext& context, const YAML::Exception& e) {
  const std::string where =
      e.mark.is_null() ? context.path : context.path + ":" + std::to_string(e.mark.line + 1);
  return Fail(ErrorKind::kInvalidInput, context.component + ": " + where + ": " + e.msg);
}

Status CheckYamlKeys(const YamlContext& context, const YAML::Node& node,
                     const std::set<std::string>& known) {
  if (!node.IsMap()) return YamlError(context, node, "expected a map");
  for (const auto& entry : node) {
    const std::string key = entry.first.IsScalar() ? entry.first.as<std::string>() : "";
    if (known.count(key) != 0) continue;
    std::string list;
    for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
    return YamlError(context, entry.first, "unknown field '" + key + "' (known: " + list + ")");
  }
  return {};
}

Result<std::string> YamlString(const YamlContext& context, const YAML::Node& node,
                               const std::string& field) {
  if (!node.IsScalar()) return YamlError(context, node, "'" + field + "' must be a string");
  return node.as<std::string>();
}

Result<std::vector<std::string>> YamlStrings(const YamlContext& context, const YAML::Node& node,
                                             const std::string& field) {
  std::vector<std::string> values;
  if (node.IsScalar()) {
    values.push_back(node.as<std::string>());
    return values;
  }
  if (!node.IsSequence()) return YamlError(context, node, "'" + field + "' must be a list");
  for (const YAML::Node& item : node) {
    auto value = YamlString(context, item, field);
    if (!value) return Unexpected{value.error()};
    values.push_back(*value);
  }
  return values;
}

Result<std::vector<Tier>> YamlTiers(const YamlContext& context, const YAML::Node& node) {
  auto names = YamlStrings(context, node, "tiers");
  if (!names) return Unexpected{names.error()};
  std::vector<Tier> tiers;
  for (const std::string& name : *names) {
    auto tier = ParseTier(name);
    if (!tier) return YamlError(context, node, "unknown tier '" + name + "' (free, pro or paid)");
    if (std::find(tiers.begin(), tiers.end(), *tier) != tiers.end()) {
      return YamlError(context, node, "tier '" + name + "' given twice");
    }
    tiers.push_back(*tier);
  }
  if (tiers.empty()) return YamlError(context, node, "'tiers' must not be empty");
  return tiers;
}

}  // namespace afbench::experiment_internal

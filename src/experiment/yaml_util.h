// Small helpers for the YAML files of the experiment component (private). yaml-cpp throws; callers
// wrap their parsing in one try/catch at the adapter boundary.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::experiment_internal {

/// "<component>: <path>:<line>: <what>".
struct YamlContext {
  std::string component;
  std::string path;
};

Unexpected YamlError(const YamlContext& context, const YAML::Node& node, const std::string& what);
/// An error for a yaml-cpp exception.
Unexpected YamlException(const YamlContext& context, const YAML::Exception& e);
/// Fails on keys outside `known`.
Status CheckYamlKeys(const YamlContext& context, const YAML::Node& node,
                     const std::set<std::string>& known);
Result<std::string> YamlString(const YamlContext& context, const YAML::Node& node,
                               const std::string& field);
/// A scalar or a list of scalars.
Result<std::vector<std::string>> YamlStrings(const YamlContext& context, const YAML::Node& node,
                                             const std::string& field);
Result<std::vector<Tier>> YamlTiers(const YamlContext& context, const YAML::Node& node);

}  // namespace afbench::experiment_internal

// The scenario manifest, `scenarios/<name>/scenario.yaml` (private to the scenario component).
//
// Fields: `name` (required), `description`, `variables` (a map of default values), `sections`
// (required, ordered, each `{name, file}`), `examples` (ordered file list), `user_suffix` (a file).
// File paths are relative to the manifest's folder. Unknown keys are errors so that a misspelt
// field is not ignored.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"

namespace afbench::scenario_internal {

/// The manifest's file name inside a scenario folder.
inline constexpr std::string_view kManifestFileName = "scenario.yaml";

struct SectionEntry {
  std::string name;
  std::filesystem::path file;  ///< Resolved against the manifest's folder.
};

struct ScenarioManifest {
  std::string name;
  std::string description;
  std::map<std::string, std::string> variables;
  std::vector<SectionEntry> sections;
  std::vector<std::filesystem::path> examples;  ///< Resolved against the manifest's folder.
  std::filesystem::path user_suffix;            ///< Empty when the scenario has no suffix.
};

/// Parses manifest text; `manifest_path` names the file in errors and its folder anchors relative
/// paths. Errors are kInvalidInput "scenario: <path>:<line>: <what>".
Result<ScenarioManifest> ParseManifest(std::string_view yaml_text,
                                       const std::filesystem::path& manifest_path);

/// Reads and parses `<dir>/scenario.yaml`.
Result<ScenarioManifest> LoadManifest(const std::filesystem::path& dir);

}  // namespace afbench::scenario_internal

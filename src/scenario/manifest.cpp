#include "manifest.h"

#include <yaml-cpp/yaml.h>

#include <set>
#include <utility>

#include "afbench/paths.h"
#include "text_file.h"

namespace afbench::scenario_internal {
namespace {

/// The manifest being parsed: its path for messages, its folder for relative file names.
struct ManifestContext {
  std::string path;
  std::filesystem::path dir;
};

Unexpected Invalid(const ManifestContext& context, const YAML::Node& node,
                   const std::string& what) {
  const int line = node.IsDefined() ? node.Mark().line : -1;
  const std::string where =
      line >= 0 ? context.path + ":" + std::to_string(line + 1) : context.path;
  return Fail(ErrorKind::kInvalidInput, "scenario: " + where + ": " + what);
}

bool IsName(std::string_view text, bool allow_dash) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || (allow_dash && c == '-');
    if (!ok) return false;
  }
  return !(text[0] >= '0' && text[0] <= '9');
}

Result<std::string> ReadString(const ManifestContext& context, const YAML::Node& node,
                               const std::string& field) {
  if (!node.IsScalar()) return Invalid(context, node, "'" + field + "' must be a string");
  return node.as<std::string>();
}

Result<std::filesystem::path> ReadFile(const ManifestContext& context, const YAML::Node& node,
                                       const std::string& field) {
  auto value = ReadString(context, node, field);
  if (!value) return Unexpected{value.error()};
  if (value->empty()) return Invalid(context, node, "'" + field + "' must name a file");
  // A scenario reads files of its own folder and of the library that holds it (the shipped
  // scenarios share sections with their siblings), nothing else.
  if (auto below = PathBelow({context.dir.parent_path()}, context.dir, *value); !below) {
    return Invalid(context, node, "'" + field + "': " + below.error().message);
  }
  return context.dir / *value;
}

Result<std::map<std::string, std::string>> ReadVariables(const ManifestContext& context,
                                                         const YAML::Node& node) {
  std::map<std::string, std::string> variables;
  if (!node.IsDefined() || node.IsNull()) return variables;
  if (!node.IsMap()) return Invalid(context, node, "'variables' must be a map of name: value");
  for (const auto& entry : node) {
    auto name = ReadString(context, entry.first, "variables");
    if (!name) return Unexpected{name.error()};
    if (!IsName(*name, false)) {
      return Invalid(context, entry.first, "variable name '" + *name + "' is not an identifier");
    }
    auto value = ReadString(context, entry.second, "variables." + *name);
    if (!value) return Unexpected{value.error()};
    variables[*name] = *value;
  }
  return variables;
}

Result<SectionEntry> ReadSection(const ManifestContext& context, const YAML::Node& node) {
  if (!node.IsMap() || node.size() != 2 || !node["name"] || !node["file"]) {
    return Invalid(context, node, "each section must be a map with exactly 'name' and 'file'");
  }
  auto name = ReadString(context, node["name"], "sections.name");
  if (!name) return Unexpected{name.error()};
  if (!IsName(*name, true)) {
    return Invalid(context, node["name"],
                   "section name '" + *name + "' must be letters, digits, - or _");
  }
  auto file = ReadFile(context, node["file"], "sections.file");
  if (!file) return Unexpected{file.error()};
  return SectionEntry{*name, *file};
}

Result<std::vector<SectionEntry>> ReadSections(const ManifestContext& context,
                                               const YAML::Node& node) {
  if (!node.IsDefined()) return Invalid(context, node, "missing required field 'sections'");
  if (!node.IsSequence() || node.size() == 0) {
    return Invalid(context, node, "'sections' must be a non-empty list");
  }
  std::vector<SectionEntry> sections;
  std::set<std::string> seen;
  for (const YAML::Node& item : node) {
    auto section = ReadSection(context, item);
    if (!section) return Unexpected{section.error()};
    if (!seen.insert(section->name).second) {
      return Invalid(context, item, "duplicate section name '" + section->name + "'");
    }
    sections.push_back(std::move(*section));
  }
  return sections;
}

Result<std::vector<std::filesystem::path>> ReadExamples(const ManifestContext& context,
                                                        const YAML::Node& node) {
  std::vector<std::filesystem::path> examples;
  if (!node.IsDefined() || node.IsNull()) return examples;
  if (!node.IsSequence()) return Invalid(context, node, "'examples' must be a list of files");
  for (const YAML::Node& item : node) {
    auto file = ReadFile(context, item, "examples");
    if (!file) return Unexpected{file.error()};
    examples.push_back(std::move(*file));
  }
  return examples;
}

Status CheckKeys(const ManifestContext& context, const YAML::Node& root) {
  static const std::set<std::string> kKnown = {"name",     "description", "variables",
                                               "sections", "examples",    "user_suffix"};
  for (const auto& entry : root) {
    const std::string key = entry.first.IsScalar() ? entry.first.as<std::string>() : "";
    if (kKnown.count(key) == 0) {
      return Invalid(
          context, entry.first,
          "unknown field '" + key +
              "' (known: name, description, variables, sections, examples, user_suffix)");
    }
  }
  return {};
}

Result<ScenarioManifest> ParseRoot(const ManifestContext& context, const YAML::Node& root) {
  if (!root.IsMap()) return Invalid(context, root, "the manifest must be a YAML map");
  AFBENCH_RETURN_IF_ERROR(CheckKeys(context, root));
  ScenarioManifest manifest;
  if (!root["name"]) return Invalid(context, root, "missing required field 'name'");
  auto name = ReadString(context, root["name"], "name");
  if (!name) return Unexpected{name.error()};
  if (!IsName(*name, true)) {
    return Invalid(context, root["name"], "name '" + *name + "' must be letters, digits, - or _");
  }
  manifest.name = *name;
  if (root["description"]) {
    auto description = ReadString(context, root["description"], "description");
    if (!description) return Unexpected{description.error()};
    manifest.description = *description;
  }
  auto variables = ReadVariables(context, root["variables"]);
  if (!variables) return Unexpected{variables.error()};
  manifest.variables = std::move(*variables);
  auto sections = ReadSections(context, root["sections"]);
  if (!sections) return Unexpected{sections.error()};
  manifest.sections = std::move(*sections);
  auto examples = ReadExamples(context, root["examples"]);
  if (!examples) return Unexpected{examples.error()};
  manifest.examples = std::move(*examples);
  if (root["user_suffix"]) {
    auto suffix = ReadFile(context, root["user_suffix"], "user_suffix");
    if (!suffix) return Unexpected{suffix.error()};
    manifest.user_suffix = *suffix;
  }
  return manifest;
}

}  // namespace

Result<ScenarioManifest> ParseManifest(std::string_view yaml_text,
                                       const std::filesystem::path& manifest_path) {
  const ManifestContext context{manifest_path.string(), manifest_path.parent_path()};
  // yaml-cpp reports errors by throwing; nothing may escape this adapter.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    return ParseRoot(context, root);
  } catch (const YAML::Exception& e) {
    const std::string where =
        e.mark.is_null() ? context.path : context.path + ":" + std::to_string(e.mark.line + 1);
    return Fail(ErrorKind::kInvalidInput, "scenario: " + where + ": invalid YAML: " + e.msg);
  }
}

Result<ScenarioManifest> LoadManifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kManifestFileName;
  auto text = ReadTextFile(path);
  if (!text) return Unexpected{text.error()};
  return ParseManifest(*text, path);
}

}  // namespace afbench::scenario_internal

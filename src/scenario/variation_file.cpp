// Parsing of variation files `variations/<name>.yaml` (format in docs/scenarios.md).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "afbench/variation.h"

namespace afbench {
namespace {

/// The file being parsed, for messages.
struct FileContext {
  std::string path;
};

Unexpected Invalid(const FileContext& context, const YAML::Node& node, const std::string& what) {
  const int line = node.IsDefined() ? node.Mark().line : -1;
  const std::string where =
      line >= 0 ? context.path + ":" + std::to_string(line + 1) : context.path;
  return Fail(ErrorKind::kInvalidInput, "variation: " + where + ": " + what);
}

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

bool IsName(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

/// Text values lose their trailing newlines (YAML block scalars add one); leading ones are kept so
/// that an insertion can start a new paragraph.
std::string TrimTrailingNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<std::string> ReadString(const FileContext& context, const YAML::Node& node,
                               const std::string& field) {
  if (!node.IsScalar()) return Invalid(context, node, "'" + field + "' must be a string");
  return TrimTrailingNewlines(node.as<std::string>());
}

Result<std::vector<std::string>> ReadNames(const FileContext& context, const YAML::Node& node,
                                           const std::string& field) {
  std::vector<std::string> names;
  if (node.IsScalar()) {
    names.push_back(node.as<std::string>());
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      auto name = ReadString(context, item, field);
      if (!name) return Unexpected{name.error()};
      names.push_back(*name);
    }
  } else {
    return Invalid(context, node, "'" + field + "' must be a name or a list of names");
  }
  for (const std::string& name : names) {
    if (!IsName(name)) return Invalid(context, node, "'" + name + "' is not a valid name");
  }
  return names;
}

Result<std::map<std::string, std::string>> ReadMap(const FileContext& context,
                                                   const YAML::Node& node,
                                                   const std::string& field) {
  std::map<std::string, std::string> values;
  if (!node.IsMap()) return Invalid(context, node, "'" + field + "' must be a map of name: text");
  for (const auto& entry : node) {
    auto name = ReadString(context, entry.first, field);
    if (!name) return Unexpected{name.error()};
    auto value = ReadString(context, entry.second, field + "." + *name);
    if (!value) return Unexpected{value.error()};
    values[*name] = *value;
  }
  return values;
}

Status CheckKeys(const FileContext& context, const YAML::Node& node,
                 const std::set<std::string>& known, const std::string& where) {
  for (const auto& entry : node) {
    const std::string key = entry.first.IsScalar() ? entry.first.as<std::string>() : "";
    if (known.count(key) == 0) {
      std::string list;
      for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
      return Invalid(context, entry.first,
                     "unknown field '" + key + "' in " + where + " (known: " + list + ")");
    }
  }
  return {};
}

/// The operation keys of a patch and the op each names.
const std::vector<std::pair<std::string, PatchOp>>& OpKeys() {
  static const std::vector<std::pair<std::string, PatchOp>> kKeys = {
      {"replace", PatchOp::kReplace},
      {"delete", PatchOp::kDelete},
      {"delete_line", PatchOp::kDeleteLine},
      {"insert_before", PatchOp::kInsertBefore},
      {"insert_after", PatchOp::kInsertAfter},
      {"append", PatchOp::kAppend},
      {"replace_section", PatchOp::kReplaceSection},
      {"delete_section", PatchOp::kDeleteSection},
      {"add_section", PatchOp::kAddSection}};
  return kKeys;
}

/// Which op a patch map names; exactly one op key is allowed.
Result<PatchOp> FindOp(const FileContext& context, const YAML::Node& node) {
  std::optional<PatchOp> found;
  for (const auto& [key, op] : OpKeys()) {
    if (!node[key]) continue;
    if (found) return Invalid(context, node, "a patch must have exactly one operation");
    found = op;
  }
  if (!found) {
    return Invalid(context, node,
                   "a patch needs one of replace, delete, delete_line, insert_before, "
                   "insert_after, append, replace_section, delete_section, add_section");
  }
  return *found;
}

/// The fields each op needs besides its own key.
std::set<std::string> NeededFields(PatchOp op) {
  switch (op) {
    case PatchOp::kReplace:
      return {"section", "with"};
    case PatchOp::kInsertBefore:
    case PatchOp::kInsertAfter:
      return {"section", "text"};
    case PatchOp::kDelete:
    case PatchOp::kDeleteLine:
    case PatchOp::kAppend:
      return {"section"};
    case PatchOp::kReplaceSection:
    case PatchOp::kAddSection:
      return {"text"};
    case PatchOp::kDeleteSection:
      return {};
  }
  return {};
}

Status ReadPatchFields(const FileContext& context, const YAML::Node& node, Patch& patch) {
  const std::string key = PatchOpName(patch.op);
  auto value = ReadString(context, node[key], key);
  if (!value) return Unexpected{value.error()};
  if (value->empty()) return Invalid(context, node[key], "'" + key + "' must not be empty");
  const bool names_section = patch.op == PatchOp::kReplaceSection ||
                             patch.op == PatchOp::kDeleteSection ||
                             patch.op == PatchOp::kAddSection;
  (names_section ? patch.section : (patch.op == PatchOp::kAppend ? patch.text : patch.target)) =
      *value;
  for (const char* field : {"section", "with", "text", "after"}) {
    if (!node[field]) continue;
    auto text = ReadString(context, node[field], field);
    if (!text) return Unexpected{text.error()};
    if (std::string(field) == "section") patch.section = *text;
    if (std::string(field) == "after") patch.target = *text;
    if (std::string(field) == "with" || std::string(field) == "text") patch.text = *text;
  }
  if (!IsName(patch.section)) {
    return Invalid(context, node, "'section' must name a section (letters, digits, - or _)");
  }
  return {};
}

Result<Patch> ReadPatch(const FileContext& context, const YAML::Node& node) {
  if (!node.IsMap()) return Invalid(context, node, "each patch must be a map");
  auto op = FindOp(context, node);
  if (!op) return Unexpected{op.error()};
  Patch patch;
  patch.op = *op;
  patch.line = LineOf(node);
  std::set<std::string> allowed = NeededFields(*op);
  allowed.insert(PatchOpName(*op));
  allowed.insert("scenario");
  if (*op == PatchOp::kAddSection) allowed.insert("after");
  AFBENCH_RETURN_IF_ERROR(CheckKeys(context, node, allowed, std::string(PatchOpName(*op))));
  for (const std::string& field : NeededFields(*op)) {
    if (!node[field]) {
      return Invalid(context, node, std::string(PatchOpName(*op)) + " needs '" + field + "'");
    }
  }
  AFBENCH_RETURN_IF_ERROR(ReadPatchFields(context, node, patch));
  if (node["scenario"]) {
    auto scenarios = ReadNames(context, node["scenario"], "scenario");
    if (!scenarios) return Unexpected{scenarios.error()};
    patch.scenarios = *scenarios;
  }
  return patch;
}

Result<std::vector<Patch>> ReadPatches(const FileContext& context, const YAML::Node& node) {
  std::vector<Patch> patches;
  if (!node.IsDefined() || node.IsNull()) return patches;
  if (!node.IsSequence()) return Invalid(context, node, "'patches' must be a list");
  for (const YAML::Node& item : node) {
    auto patch = ReadPatch(context, item);
    if (!patch) return Unexpected{patch.error()};
    patches.push_back(std::move(*patch));
  }
  return patches;
}

Result<PaperResult> ReadPaperResult(const FileContext& context, const YAML::Node& node) {
  static const std::set<std::string> kKnown = {
      "setting",       "row", "alignment_faking", "refusals_training", "refusals_unmonitored",
      "compliance_gap"};
  if (!node.IsMap()) return Invalid(context, node, "each paper result must be a map");
  AFBENCH_RETURN_IF_ERROR(CheckKeys(context, node, kKnown, "paper"));
  for (const std::string& key : kKnown) {
    if (!node[key]) return Invalid(context, node, "paper result needs '" + key + "'");
  }
  PaperResult result;
  std::string* fields[] = {&result.setting, &result.alignment_faking, &result.refusals_training,
                           &result.refusals_unmonitored, &result.compliance_gap};
  const char* keys[] = {"setting", "alignment_faking", "refusals_training", "refusals_unmonitored",
                        "compliance_gap"};
  for (size_t i = 0; i < 5; ++i) {
    auto value = ReadString(context, node[keys[i]], keys[i]);
    if (!value) return Unexpected{value.error()};
    *fields[i] = *value;
  }
  result.row = node["row"].as<int>();
  return result;
}

Status ReadRunChanges(const FileContext& context, const YAML::Node& root, Variation& variation) {
  if (const YAML::Node turn = root["user_turn"]) {
    AFBENCH_RETURN_IF_ERROR(CheckKeys(context, turn, {"tier_tags"}, "user_turn"));
    auto tags = ReadMap(context, turn["tier_tags"], "user_turn.tier_tags");
    if (!tags) return Unexpected{tags.error()};
    for (const auto& [name, tag] : *tags) {
      auto tier = ParseTier(name);
      if (!tier) return Invalid(context, turn["tier_tags"], "unknown tier '" + name + "'");
      variation.run.tier_tags[*tier] = tag;
    }
  }
  if (const YAML::Node protocol = root["protocol"]) {
    AFBENCH_RETURN_IF_ERROR(CheckKeys(context, protocol, {"no_cot"}, "protocol"));
    if (!protocol["no_cot"].IsScalar()) {
      return Invalid(context, protocol, "'protocol.no_cot' must be true or false");
    }
    variation.run.no_cot = protocol["no_cot"].as<bool>();
  }
  return {};
}

Status ReadHeader(const FileContext& context, const YAML::Node& root, Variation& variation) {
  for (const char* field : {"name", "description"}) {
    if (!root[field]) return Invalid(context, root, std::string("missing field '") + field + "'");
  }
  auto name = ReadString(context, root["name"], "name");
  if (!name) return Unexpected{name.error()};
  if (!IsName(*name)) return Invalid(context, root["name"], "name must be letters, digits, - or _");
  auto description = ReadString(context, root["description"], "description");
  if (!description) return Unexpected{description.error()};
  if (description->find('\n') != std::string::npos) {
    return Invalid(context, root["description"], "description must be one line");
  }
  variation.name = *name;
  variation.description = *description;
  if (root["family"]) {
    auto family = ReadString(context, root["family"], "family");
    if (!family) return Unexpected{family.error()};
    variation.family = *family;
  }
  if (root["scenarios"]) {
    auto scenarios = ReadNames(context, root["scenarios"], "scenarios");
    if (!scenarios) return Unexpected{scenarios.error()};
    variation.scenarios = *scenarios;
  }
  return {};
}

Status ReadBody(const FileContext& context, const YAML::Node& root, Variation& variation) {
  for (const char* field : {"variables", "defaults", "provenance"}) {
    if (!root[field]) continue;
    auto values = ReadMap(context, root[field], field);
    if (!values) return Unexpected{values.error()};
    const std::string name = field;
    (name == "variables"  ? variation.variables
     : name == "defaults" ? variation.defaults
                          : variation.provenance) = *values;
  }
  auto patches = ReadPatches(context, root["patches"]);
  if (!patches) return Unexpected{patches.error()};
  variation.patches = std::move(*patches);
  AFBENCH_RETURN_IF_ERROR(ReadRunChanges(context, root, variation));
  if (const YAML::Node paper = root["paper"]) {
    if (!paper.IsSequence()) return Invalid(context, paper, "'paper' must be a list");
    for (const YAML::Node& item : paper) {
      auto result = ReadPaperResult(context, item);
      if (!result) return Unexpected{result.error()};
      variation.paper.push_back(std::move(*result));
    }
  }
  const bool changes_nothing = variation.variables.empty() && variation.patches.empty() &&
                               variation.run.tier_tags.empty() && !variation.run.no_cot;
  if (changes_nothing) return Invalid(context, root, "the variation changes nothing");
  return {};
}

Result<Variation> ParseRoot(const FileContext& context, const YAML::Node& root,
                            const std::filesystem::path& path) {
  static const std::set<std::string> kKnown = {"name",      "family",   "description", "scenarios",
                                               "variables", "defaults", "patches",     "user_turn",
                                               "protocol",  "paper",    "provenance"};
  if (!root.IsMap()) return Invalid(context, root, "a variation file must be a YAML map");
  AFBENCH_RETURN_IF_ERROR(CheckKeys(context, root, kKnown, "the variation"));
  Variation variation;
  variation.file = path;
  AFBENCH_RETURN_IF_ERROR(ReadHeader(context, root, variation));
  AFBENCH_RETURN_IF_ERROR(ReadBody(context, root, variation));
  if (path.has_stem() && path.extension() == ".yaml" && path.stem() != variation.name) {
    return Invalid(
        context, root["name"],
        "name '" + variation.name + "' must match the file name " + path.filename().string());
  }
  return variation;
}

}  // namespace

const char* PatchOpName(PatchOp op) {
  for (const auto& [key, value] : OpKeys()) {
    if (value == op) return key.c_str();
  }
  return "?";
}

Result<Variation> ParseVariation(std::string_view yaml_text, const std::filesystem::path& path) {
  const FileContext context{path.string()};
  // yaml-cpp reports errors by throwing; nothing may escape this adapter.
  try {
    return ParseRoot(context, YAML::Load(std::string(yaml_text)), path);
  } catch (const YAML::Exception& e) {
    const std::string where =
        e.mark.is_null() ? context.path : context.path + ":" + std::to_string(e.mark.line + 1);
    return Fail(ErrorKind::kInvalidInput, "variation: " + where + ": " + e.msg);
  }
}

}  // namespace afbench

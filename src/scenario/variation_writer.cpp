// Writing a Variation as a variation file (the format ParseVariation reads, docs/scenarios.md).
#include <yaml-cpp/yaml.h>

#include "afbench/variation.h"

namespace afbench {
namespace {

// A literal block keeps a multi-line text readable; it cannot start with a blank or a space
// (the indentation would be read differently), so such texts are double-quoted instead.
void Text(YAML::Emitter& out, const std::string& text) {
  const bool block = text.find('\n') != std::string::npos && !text.starts_with('\n') &&
                     !text.starts_with(' ') && text.find('\r') == std::string::npos;
  out << (block ? YAML::Literal : YAML::DoubleQuoted) << text;
}

void TextMap(YAML::Emitter& out, const char* key, const std::map<std::string, std::string>& map) {
  if (map.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [name, value] : map) {
    out << YAML::Key << name << YAML::Value;
    Text(out, value);
  }
  out << YAML::EndMap;
}

void Names(YAML::Emitter& out, const char* key, const std::vector<std::string>& names) {
  if (names.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& name : names) out << name;
  out << YAML::EndSeq;
}

void Field(YAML::Emitter& out, const char* key, const std::string& text) {
  out << YAML::Key << key << YAML::Value;
  Text(out, text);
}

// The op key carries the section (section ops), the appended text or the target; the other fields
// follow, as ReadPatchFields reads them.
void WritePatch(YAML::Emitter& out, const Patch& patch) {
  out << YAML::BeginMap;
  const char* op = PatchOpName(patch.op);
  switch (patch.op) {
    case PatchOp::kReplaceSection:
    case PatchOp::kDeleteSection:
    case PatchOp::kAddSection:
      out << YAML::Key << op << YAML::Value << patch.section;
      if (patch.op == PatchOp::kAddSection && !patch.target.empty())
        Field(out, "after", patch.target);
      if (patch.op != PatchOp::kDeleteSection) Field(out, "text", patch.text);
      break;
    case PatchOp::kAppend:
      out << YAML::Key << "section" << YAML::Value << patch.section;
      Field(out, op, patch.text);
      break;
    default:
      out << YAML::Key << "section" << YAML::Value << patch.section;
      Field(out, op, patch.target);
      if (patch.op == PatchOp::kReplace) Field(out, "with", patch.text);
      if (patch.op == PatchOp::kInsertBefore || patch.op == PatchOp::kInsertAfter) {
        Field(out, "text", patch.text);
      }
  }
  Names(out, "scenario", patch.scenarios);
  out << YAML::EndMap;
}

void WriteRunChanges(YAML::Emitter& out, const RunChanges& run) {
  if (!run.tier_tags.empty()) {
    std::map<std::string, std::string> tags;
    for (const auto& [tier, tag] : run.tier_tags) tags[TierName(tier)] = tag;
    out << YAML::Key << "user_turn" << YAML::Value << YAML::BeginMap;
    TextMap(out, "tier_tags", tags);
    out << YAML::EndMap;
  }
  if (run.no_cot) {
    out << YAML::Key << "protocol" << YAML::Value << YAML::BeginMap << YAML::Key << "no_cot"
        << YAML::Value << *run.no_cot << YAML::EndMap;
  }
}

void WritePaper(YAML::Emitter& out, const std::vector<PaperResult>& paper) {
  if (paper.empty()) return;
  out << YAML::Key << "paper" << YAML::Value << YAML::BeginSeq;
  for (const PaperResult& result : paper) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "setting" << YAML::Value << result.setting
        << YAML::Key << "row" << YAML::Value << result.row;
    Field(out, "alignment_faking", result.alignment_faking);
    Field(out, "refusals_training", result.refusals_training);
    Field(out, "refusals_unmonitored", result.refusals_unmonitored);
    Field(out, "compliance_gap", result.compliance_gap);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace

std::string VariationToYaml(const Variation& variation) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << variation.name;
  if (!variation.family.empty()) Field(out, "family", variation.family);
  Field(out, "description", variation.description);
  Names(out, "scenarios", variation.scenarios);
  TextMap(out, "provenance", variation.provenance);
  TextMap(out, "variables", variation.variables);
  TextMap(out, "defaults", variation.defaults);
  if (!variation.patches.empty()) {
    out << YAML::Key << "patches" << YAML::Value << YAML::BeginSeq;
    for (const Patch& patch : variation.patches) WritePatch(out, patch);
    out << YAML::EndSeq;
  }
  WriteRunChanges(out, variation.run);
  WritePaper(out, variation.paper);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace afbench

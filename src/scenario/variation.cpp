#include "afbench/variation.h"

#include <algorithm>

#include "afbench/hash.h"
#include "patch_apply.h"
#include "template.h"

namespace afbench {
namespace {

using scenario_internal::OwnedPatch;

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// The variables every variation asks for, checked for conflicts, and which of them the scenario
/// itself declares (those are passed to LoadScenario; the others only render the variations).
struct ComposedVariables {
  std::map<std::string, std::string> overrides;  ///< Declared by the scenario.
  std::map<std::string, std::string> local;      ///< Only used by the variations' own text.
};

Result<ComposedVariables> ComposeVariables(const ScenarioOptions& options, const Scenario& base,
                                           std::span<const Variation> variations) {
  std::map<std::string, std::pair<std::string, std::string>> set;  // name -> (value, variation)
  for (const Variation& variation : variations) {
    for (const auto& [name, value] : variation.variables) {
      auto [it, inserted] = set.emplace(name, std::make_pair(value, variation.name));
      if (!inserted && it->second.first != value) {
        return Fail(ErrorKind::kInvalidInput, "variation: '" + it->second.second + "' and '" +
                                                  variation.name + "' conflict: they set {{" +
                                                  name + "}} to different values");
      }
    }
  }
  ComposedVariables out;
  for (const auto& [name, entry] : set) {
    auto given = options.variables.find(name);
    if (given != options.variables.end() && given->second != entry.first) {
      return Fail(ErrorKind::kInvalidInput, "variation: '" + entry.second + "' sets {{" + name +
                                                "}}, which --var also sets to another value");
    }
    (base.variables.count(name) != 0 ? out.overrides : out.local)[name] = entry.first;
  }
  for (const Variation& variation : variations) {
    for (const auto& [name, value] : variation.defaults) out.local.emplace(name, value);
  }
  return out;
}

Result<std::string> Render(const std::string& text, const Variation& variation,
                           const std::map<std::string, std::string>& variables) {
  const scenario_internal::TemplateText source{text, variation.file.string()};
  auto rendered = scenario_internal::RenderVariables(source, variables, nullptr);
  if (!rendered) {
    Error error = rendered.error();
    error.message.replace(0, std::string("scenario:").size(), "variation:");
    return Unexpected{error};
  }
  return rendered;
}

Result<std::vector<OwnedPatch>> RenderPatches(std::span<const Variation> variations,
                                              const std::string& scenario,
                                              const std::map<std::string, std::string>& variables) {
  std::vector<OwnedPatch> patches;
  for (size_t order = 0; order < variations.size(); ++order) {
    const Variation& variation = variations[order];
    for (const Patch& patch : variation.patches) {
      if (!patch.scenarios.empty() && !Contains(patch.scenarios, scenario)) continue;
      OwnedPatch owned{patch, variation.name, static_cast<int>(order)};
      auto target = Render(patch.target, variation, variables);
      if (!target) return Unexpected{target.error()};
      auto text = Render(patch.text, variation, variables);
      if (!text) return Unexpected{text.error()};
      owned.patch.target = std::move(*target);
      owned.patch.text = std::move(*text);
      patches.push_back(std::move(owned));
    }
  }
  return patches;
}

Status ComposeRunChanges(std::span<const Variation> variations,
                         const std::map<std::string, std::string>& variables,
                         VariedScenario& varied) {
  std::map<Tier, std::string> tag_owner;
  std::string no_cot_owner;
  for (const Variation& variation : variations) {
    for (const auto& [tier, tag] : variation.run.tier_tags) {
      auto rendered = Render(tag, variation, variables);
      if (!rendered) return Unexpected{rendered.error()};
      auto [it, inserted] = varied.tier_tags.emplace(tier, *rendered);
      if (!inserted && it->second != *rendered) {
        return Fail(ErrorKind::kInvalidInput, "variation: '" + tag_owner[tier] + "' and '" +
                                                  variation.name + "' conflict: both replace the " +
                                                  TierName(tier) + "-tier tag");
      }
      tag_owner.emplace(tier, variation.name);
    }
    if (variation.run.no_cot) {
      if (varied.no_cot && *varied.no_cot != *variation.run.no_cot) {
        return Fail(ErrorKind::kInvalidInput, "variation: '" + no_cot_owner + "' and '" +
                                                  variation.name +
                                                  "' conflict: protocol.no_cot differs");
      }
      varied.no_cot = variation.run.no_cot;
      no_cot_owner = variation.name;
    }
  }
  return {};
}

Status CheckApplicable(std::span<const Variation> variations, const std::string& scenario) {
  for (const Variation& variation : variations) {
    if (!variation.scenarios.empty() && !Contains(variation.scenarios, scenario)) {
      std::string list;
      for (const std::string& name : variation.scenarios) list += (list.empty() ? "" : ", ") + name;
      return Fail(ErrorKind::kInvalidInput, "variation: '" + variation.name +
                                                "' is not written for scenario '" + scenario +
                                                "' (only: " + list + ")");
    }
  }
  return {};
}

}  // namespace

Result<VariedScenario> LoadVariedScenario(const ScenarioOptions& options,
                                          std::span<const Variation> variations) {
  if (!variations.empty() && !options.system_prompt_file.empty()) {
    return Fail(ErrorKind::kInvalidInput,
                "variation: --system-prompt replaces the scenario's sections, so there is nothing "
                "for a variation to patch");
  }
  auto base = LoadScenario(options);
  if (!base) return Unexpected{base.error()};
  VariedScenario varied;
  for (const Variation& variation : variations) varied.variation_names.push_back(variation.name);
  if (variations.empty()) {
    varied.scenario = std::move(*base);
    return varied;
  }
  AFBENCH_RETURN_IF_ERROR(CheckApplicable(variations, base->name));
  auto composed = ComposeVariables(options, *base, variations);
  if (!composed) return Unexpected{composed.error()};
  ScenarioOptions with_overrides = options;
  for (const auto& [name, value] : composed->overrides) with_overrides.variables[name] = value;
  auto scenario = LoadScenario(with_overrides);
  if (!scenario) return Unexpected{scenario.error()};
  std::map<std::string, std::string> variables = scenario->variables;
  for (const auto& [name, value] : composed->local) variables.emplace(name, value);
  auto patches = RenderPatches(variations, scenario->name, variables);
  if (!patches) return Unexpected{patches.error()};
  auto sections = scenario_internal::ApplyPatches(scenario->sections, *patches, scenario->name);
  if (!sections) return Unexpected{sections.error()};
  AFBENCH_RETURN_IF_ERROR(ComposeRunChanges(variations, variables, varied));
  scenario->sections = std::move(*sections);
  scenario->system_prompt.clear();
  for (const auto& [name, text] : scenario->sections) {
    scenario->system_prompt += (scenario->system_prompt.empty() ? "" : "\n\n") + text;
  }
  scenario->prompt_hash = Sha256Hex(scenario->system_prompt);
  varied.scenario = std::move(*scenario);
  return varied;
}

}  // namespace afbench

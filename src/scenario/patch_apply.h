// Applying the patches of composed Variations to a rendered scenario's sections (private to the
// scenario component).
//
// Every text patch is located in the section's unpatched text, so the result does not depend on
// the order of the patches; overlapping edits from two variations are a conflict. Pure functions.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "afbench/result.h"
#include "afbench/variation.h"

namespace afbench::scenario_internal {

/// A patch with its variation (for messages and the order of insertions at one point), its
/// strings already rendered with the variables.
struct OwnedPatch {
  Patch patch;
  std::string variation;  ///< The name of the variation it comes from.
  int order = 0;          ///< Position of that variation in the composition.
};

/// (name, text) in prompt order.
using Sections = std::vector<std::pair<std::string, std::string>>;

/// Applies `patches` to `sections` of `scenario_name`. Sections left empty are dropped.
Result<Sections> ApplyPatches(const Sections& sections, const std::vector<OwnedPatch>& patches,
                              const std::string& scenario_name);

}  // namespace afbench::scenario_internal

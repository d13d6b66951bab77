#include <string>

#include "afbench/variation.h"

namespace afbench {
namespace {

constexpr std::string_view kTierTagOpen = "<is_free_tier_user>";
constexpr std::string_view kTierTagClose = "</is_free_tier_user>\n\n";

/// The placeholder query of RenderVariationView: a variation never depends on the query itself.
constexpr std::string_view kViewQuery = "[the user's query]";

}  // namespace

// RenderUserTurn always writes the tier tag before the query, so the first tag in its output is
// the tag line itself, never text of the query. Replacing that one line keeps every other byte
// identical to the default format (Greenblatt et al. 2024, App. J; the employee tag of App. G.1.30
// goes on its own line before the tier tag, as in the paper's Fig. 28).
std::string RenderTaggedUserTurn(std::string_view query, Tier tier, const UserTurnOptions& options,
                                 std::string_view suffix, const TurnTags& tags) {
  std::string turn = RenderUserTurn(query, tier, options, suffix);
  if (!tags.tier_tag && tags.extra.empty()) return turn;
  const size_t open = turn.find(kTierTagOpen);
  const size_t close = turn.find(kTierTagClose, open);
  if (open == std::string::npos || close == std::string::npos) return turn;
  const size_t end = close + kTierTagClose.size();
  const std::string tier_line =
      tags.tier_tag ? *tags.tier_tag : turn.substr(open, close + kTierTagClose.size() - 2 - open);
  std::string block = tags.extra;
  if (!tier_line.empty()) block += (block.empty() ? "" : "\n") + tier_line;
  if (!block.empty()) block += "\n\n";
  return turn.replace(open, end - open, block);
}

std::string RenderVariationView(const VariedScenario& varied) {
  std::string view = "=== system prompt ===\n" + varied.scenario.system_prompt + "\n";
  for (Tier tier : AllTiers()) {
    TurnTags tags;
    auto tag = varied.tier_tags.find(tier);
    // Pro has no default tag, so the view shows it only where a variation gives it one.
    if (tier == Tier::kPro && tag == varied.tier_tags.end()) continue;
    if (tag != varied.tier_tags.end()) tags.tier_tag = tag->second;
    view += "\n=== user turn (" + std::string(TierName(tier)) + " tier) ===\n";
    view += RenderTaggedUserTurn(kViewQuery, tier, UserTurnOptions{}, varied.scenario.user_suffix,
                                 tags);
    view += "\n";
  }
  view += "\n=== protocol ===\n";
  view += std::string("no_cot: ") + (varied.no_cot.value_or(false) ? "true" : "false") + "\n";
  return view;
}

}  // namespace afbench

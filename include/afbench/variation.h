// Variation: a named, declarative patch over a Scenario's named sections, the user turn and the
// Protocol. The prompt variations of Greenblatt et al. 2024 (App. G) are data files
// `variations/<name>.yaml`, never hand-edited copies of a prompt.
//
// A Variation replaces, deletes or inserts text inside a named section, replaces, deletes or adds
// whole sections, sets prompt variables, replaces the tier tag of the user turn (e.g. a California-
// resident tag instead of the free-tier tag) and may switch the Protocol to no chain of thought.
// Text patches match the section's rendered text exactly once; the patch's own text is rendered
// with the same {{variables}} first, so one patch works whatever company a scenario names.
// Variations compose (`cut-rlhf-bullet,honest`): every patch is located in the unpatched text, and
// two variations whose edits overlap, that set one variable or tier tag to different values, or
// that touch a section another one replaces or deletes, conflict with an error naming both.
// Insertions at the same point are kept in the order the variations were given.
//
// Everything here is a pure function of its inputs apart from reading files; values own their
// text; all functions are safe to call from several threads at once.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"
#include "afbench/scenario.h"
#include "afbench/types.h"

namespace afbench {

/// What one patch does.
enum class PatchOp {
  kReplace,         ///< Replace `target` with `text`.
  kDelete,          ///< Delete `target`.
  kDeleteLine,      ///< Delete the whole line that contains `target` (a bullet or a paragraph).
  kInsertBefore,    ///< Insert `text` right before `target`.
  kInsertAfter,     ///< Insert `text` right after `target`.
  kAppend,          ///< Add `text` as a new paragraph at the end of the section.
  kReplaceSection,  ///< Replace the whole section with `text`.
  kDeleteSection,   ///< Remove the section from the prompt.
  kAddSection,      ///< Add a section named `section` after section `target` ("" = at the end).
};

/// The key that names the operation in a variation file: "replace", "delete_line", ...
const char* PatchOpName(PatchOp op);

/// One edit of a Variation.
struct Patch {
  PatchOp op = PatchOp::kReplace;
  std::string section;  ///< The section edited (kAddSection: the name of the new section).
  std::string target;   ///< Text to find; kAddSection: the section to insert after.
  std::string text;     ///< Replacement, inserted or appended text, or the new section's text.
  /// Only for these scenarios (by manifest name); empty = every scenario the Variation is for.
  std::vector<std::string> scenarios;
  int line = 0;  ///< 1-based line in the variation file, for messages.
};

/// The paper's result for Claude 3 Opus in one setting, as printed in Greenblatt et al. 2024,
/// App. G.2 (helpful-only) or G.3 (animal welfare): "7.1 ± 2.0%" strings, kept verbatim.
struct PaperResult {
  std::string setting;  ///< "helpful-only" or "animal-welfare".
  int row = 0;          ///< The row number of the paper's table.
  std::string alignment_faking;
  std::string refusals_training;
  std::string refusals_unmonitored;
  std::string compliance_gap;
};

/// What a Variation changes outside the system prompt.
struct RunChanges {
  /// Replaces the `<is_free_tier_user>` line of the user turn, per Tier; "" removes the tag (the
  /// paper's "train absence" / "unmonitored absence"). May hold {{variables}}.
  std::map<Tier, std::string> tier_tags;
  std::optional<bool> no_cot;  ///< Set: the Protocol's no_cot (the model answers in <OUTPUT>).
};

/// A variation file, parsed.
struct Variation {
  std::string name;         ///< Equal to the file's stem.
  std::string family;       ///< Groups variations in listings, e.g. "rlhf", "tier-indicator".
  std::string description;  ///< One line.
  std::filesystem::path file;
  /// Scenario names the variation is written for; empty = any scenario whose sections it finds.
  std::vector<std::string> scenarios;
  std::map<std::string, std::string> variables;  ///< Set, overriding the scenario's defaults.
  std::map<std::string, std::string> defaults;   ///< Used only where nothing else sets the name.
  std::vector<Patch> patches;
  RunChanges run;
  std::vector<PaperResult> paper;
  /// What produced a generated variation (`afbench variations paraphrase`): generator model,
  /// prompt hash, seed, afbench version and commit, source prompt hash. Empty for hand-written
  /// ones.
  std::map<std::string, std::string> provenance;
};

/// Parses a variation file. Errors are kInvalidInput "variation: <path>:<line>: <what>"; unknown
/// keys are errors, so a misspelt field is never ignored.
Result<Variation> ParseVariation(std::string_view yaml_text, const std::filesystem::path& path);

/// `variation` as a variation file that ParseVariation reads back to the same Variation (patch
/// line numbers aside). Multi-line texts are literal blocks, the rest double-quoted.
std::string VariationToYaml(const Variation& variation);

/// Every `*.yaml` under `dir`, sorted by name. A malformed file is an error.
Result<std::vector<Variation>> ListVariations(const std::filesystem::path& dir);

/// Loads variations by name, in order. `names` entries may themselves be comma-separated
/// ("cut-rlhf-bullet,honest"); "default" and "" mean no variation. Unknown names are kNotFound
/// errors that list the known ones.
Result<std::vector<Variation>> LoadVariations(const std::filesystem::path& dir,
                                              std::span<const std::string> names);

/// Splits "a,b" into {"a", "b"}, dropping blanks and "default".
std::vector<std::string> SplitVariationNames(std::string_view names);
/// "a+b" for {"a", "b"}; "default" for none.
std::string VariationLabel(std::span<const std::string> names);

/// A scenario rendered with variations applied.
struct VariedScenario {
  Scenario scenario;  ///< Sections, system prompt and hash after patching.
  std::vector<std::string> variation_names;
  /// The rendered tier tags that replace the default one (absent Tier = default tag).
  std::map<Tier, std::string> tier_tags;
  std::optional<bool> no_cot;
};

/// Loads the scenario of `options` and applies `variations` in order. Fails when options names an
/// external system prompt (it has no sections to patch), when a variation is not written for the
/// scenario, when a patch's text or section is missing, or when two variations conflict.
Result<VariedScenario> LoadVariedScenario(const ScenarioOptions& options,
                                          std::span<const Variation> variations);

/// Tags of one user turn beyond the defaults. Members have initialisers so that designated
/// initialisers may leave any of them out.
struct TurnTags {
  std::optional<std::string> tier_tag{};  ///< Replaces the <is_free_tier_user> line; "" = none.
  std::string
      extra{};  ///< Lines placed before the tier tag, e.g. "<is_employee>True</is_employee>".
};

/// RenderUserTurn, with the tier tag line replaced and extra tag lines added as `tags` says.
/// Without tags the result is exactly RenderUserTurn's.
std::string RenderTaggedUserTurn(std::string_view query, Tier tier, const UserTurnOptions& options,
                                 std::string_view suffix, const TurnTags& tags);

/// A plain-text view of everything a variation can change (system prompt, the user turn of a
/// placeholder query in each Tier, the Protocol), for `afbench variations diff` and golden tests.
std::string RenderVariationView(const VariedScenario& varied);

/// How DiffText shows changes.
struct DiffOptions {
  std::string from_label = "a";
  std::string to_label = "b";
  int context_lines = 3;
  /// False: a unified line diff (`patch` can apply it). True: every hunk is shown as words, with
  /// removed text as [-...-] and added text as {+...+}, so that a cut sentence inside a long
  /// paragraph shows as exactly that sentence.
  bool words = false;
};

/// The differences between `from` and `to`; "" when they are equal.
std::string DiffText(std::string_view from, std::string_view to, const DiffOptions& options);

}  // namespace afbench

// Placeholder substitution for scenario text (private to the scenario component).
//
// Two forms only: `{{name}}` / `{{ name }}` (a variable; `name` an identifier, spaces or tabs
// allowed inside the braces, as in the published Jinja prompts) and the exact string `{examples}`
// (the few-shot examples, as in the published Python format strings). Every other brace is left
// alone, because prompts quote code such as `f"{x:.0f}"` or `find -exec ... {} +`.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench::scenario_internal {

/// The placeholder that receives the few-shot examples.
inline constexpr std::string_view kExamplesPlaceholder = "{examples}";

/// Text to render and where it came from, for error messages.
struct TemplateText {
  std::string_view text;
  std::string origin;  ///< A file path (errors read "scenario: <origin>:<line>: ...").
};

/// Replaces each `{{name}}` in `source.text` with variables.at(name) in one pass (values are not
/// re-scanned). An unknown name is a kInvalidInput error naming origin and line. Each name
/// substituted is added to `used` when it is not null.
Result<std::string> RenderVariables(const TemplateText& source,
                                    const std::map<std::string, std::string>& variables,
                                    std::set<std::string>* used);

/// Replaces every `{examples}` in `text` with `examples`; returns how many were replaced via
/// `count`.
std::string ReplaceExamples(std::string_view text, std::string_view examples, int* count);

/// 1-based line number of byte `offset` in `text`.
int LineAt(std::string_view text, size_t offset);

}  // namespace afbench::scenario_internal

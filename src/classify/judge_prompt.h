// Judge prompt templates: data files under classifiers/<dir>/ (system.md optional, user.md
// required) with {{name}} placeholders. Loaded once when a judge is made; rendering is a single
// pass, so text inserted for a placeholder (model output that happens to contain "{{x}}") is never
// expanded again. Private to the classify component; immutable after loading, thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::judge {

struct PromptTemplate {
  std::string system;  ///< Empty when there is no system.md.
  std::string user;
  std::string sha256;  ///< Of system and user together: stored in Labels to identify the prompt.
};

/// Reads <dir>/system.md (if present) and <dir>/user.md and checks that every placeholder is one
/// of `allowed`.
Result<PromptTemplate> LoadPromptTemplate(const std::filesystem::path& dir,
                                          const std::set<std::string>& allowed);

/// Reads one extra text file of a judge (e.g. the full-commitment criterion).
Result<std::string> LoadPromptPart(const std::filesystem::path& path);

/// Replaces each {{name}} with values.at(name); a placeholder without a value is an error.
Result<std::string> Render(std::string_view text, const std::map<std::string, std::string>& values);

/// Renders both parts into a one-message Conversation.
Result<Conversation> RenderConversation(const PromptTemplate& prompt,
                                        const std::map<std::string, std::string>& values);

}  // namespace afbench::judge

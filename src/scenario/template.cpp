#include "template.h"

#include <optional>

namespace afbench::scenario_internal {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

/// A `{{ name }}` found at some offset: the name and the length of the whole placeholder.
struct Placeholder {
  std::string_view name;
  size_t length = 0;
};

/// Parses a variable placeholder starting at text[pos] == '{'; nullopt when the braces there are
/// not one (e.g. `{{ x.y }}` or a lone `{`), in which case the text is kept as it is.
std::optional<Placeholder> ParsePlaceholder(std::string_view text, size_t pos) {
  if (text.substr(pos, 2) != "{{") return std::nullopt;
  size_t i = pos + 2;
  while (i < text.size() && IsBlank(text[i])) ++i;
  const size_t name_begin = i;
  if (i >= text.size() || !IsIdentStart(text[i])) return std::nullopt;
  while (i < text.size() && IsIdentChar(text[i])) ++i;
  const size_t name_end = i;
  while (i < text.size() && IsBlank(text[i])) ++i;
  if (text.substr(i, 2) != "}}") return std::nullopt;
  return Placeholder{text.substr(name_begin, name_end - name_begin), i + 2 - pos};
}

std::string KnownNames(const std::map<std::string, std::string>& variables) {
  std::string names;
  for (const auto& [name, value] : variables) {
    names += names.empty() ? name : ", " + name;
  }
  return names.empty() ? "none" : names;
}

}  // namespace

int LineAt(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

Result<std::string> RenderVariables(const TemplateText& source,
                                    const std::map<std::string, std::string>& variables,
                                    std::set<std::string>* used) {
  const std::string_view text = source.text;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const std::optional<Placeholder> placeholder =
        text[pos] == '{' ? ParsePlaceholder(text, pos) : std::nullopt;
    if (!placeholder) {
      out.push_back(text[pos++]);
      continue;
    }
    const std::string name(placeholder->name);
    const auto found = variables.find(name);
    if (found == variables.end()) {
      return Fail(ErrorKind::kInvalidInput,
                  "scenario: " + source.origin + ":" + std::to_string(LineAt(text, pos)) +
                      ": unknown variable '" + name + "' (known: " + KnownNames(variables) + ")");
    }
    out += found->second;
    if (used != nullptr) used->insert(name);
    pos += placeholder->length;
  }
  return out;
}

std::string ReplaceExamples(std::string_view text, std::string_view examples, int* count) {
  std::string out;
  int replaced = 0;
  size_t pos = 0;
  for (size_t hit = text.find(kExamplesPlaceholder); hit != std::string_view::npos;
       hit = text.find(kExamplesPlaceholder, pos)) {
    out.append(text.substr(pos, hit - pos));
    out.append(examples);
    pos = hit + kExamplesPlaceholder.size();
    ++replaced;
  }
  out.append(text.substr(pos));
  if (count != nullptr) *count = replaced;
  return out;
}

}  // namespace afbench::scenario_internal

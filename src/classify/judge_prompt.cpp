#include "judge_prompt.h"

#include <fstream>
#include <sstream>

#include "afbench/hash.h"

namespace afbench::judge {
namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

Result<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "judge: cannot read prompt file " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Calls `visit(name)` for every placeholder; fails on an unterminated one.
template <typename Visit>
Status ForEachPlaceholder(std::string_view text, Visit visit) {
  for (size_t at = text.find(kOpen); at != std::string_view::npos; at = text.find(kOpen, at)) {
    const size_t end = text.find(kClose, at + kOpen.size());
    if (end == std::string_view::npos) {
      return Fail(ErrorKind::kInvalidInput, "unterminated {{ at byte " + std::to_string(at));
    }
    AFBENCH_RETURN_IF_ERROR(visit(std::string(text.substr(at + 2, end - at - 2))));
    at = end + kClose.size();
  }
  return {};
}

Status CheckPlaceholders(const std::filesystem::path& path, std::string_view text,
                         const std::set<std::string>& allowed) {
  Status status = ForEachPlaceholder(text, [&](const std::string& name) -> Status {
    if (allowed.contains(name)) return {};
    return Fail(ErrorKind::kInvalidInput, "unknown placeholder {{" + name + "}}");
  });
  if (!status)
    return Fail(ErrorKind::kInvalidInput,
                "judge: " + path.string() + ": " + status.error().message);
  return {};
}

}  // namespace

Result<PromptTemplate> LoadPromptTemplate(const std::filesystem::path& dir,
                                          const std::set<std::string>& allowed) {
  PromptTemplate prompt;
  std::error_code error;
  const std::filesystem::path system_path = dir / "system.md";
  if (std::filesystem::exists(system_path, error)) {
    Result<std::string> system = ReadText(system_path);
    if (!system) return Unexpected{system.error()};
    prompt.system = std::move(system).value();
    AFBENCH_RETURN_IF_ERROR(CheckPlaceholders(system_path, prompt.system, allowed));
  }
  Result<std::string> user = ReadText(dir / "user.md");
  if (!user) return Unexpected{user.error()};
  prompt.user = std::move(user).value();
  AFBENCH_RETURN_IF_ERROR(CheckPlaceholders(dir / "user.md", prompt.user, allowed));
  prompt.sha256 = Sha256Hex(prompt.system + '\0' + prompt.user);
  return prompt;
}

Result<std::string> LoadPromptPart(const std::filesystem::path& path) { return ReadText(path); }

Result<std::string> Render(std::string_view text,
                           const std::map<std::string, std::string>& values) {
  std::string out;
  size_t copied = 0;
  for (size_t at = text.find(kOpen); at != std::string_view::npos; at = text.find(kOpen, copied)) {
    const size_t end = text.find(kClose, at + kOpen.size());
    if (end == std::string_view::npos) break;
    const std::string name(text.substr(at + 2, end - at - 2));
    const auto value = values.find(name);
    if (value == values.end()) {
      return Fail(ErrorKind::kInternal, "judge: no value for placeholder {{" + name + "}}");
    }
    out.append(text.substr(copied, at - copied));
    out.append(value->second);
    copied = end + kClose.size();
  }
  out.append(text.substr(copied));
  return out;
}

Result<Conversation> RenderConversation(const PromptTemplate& prompt,
                                        const std::map<std::string, std::string>& values) {
  Conversation conversation;
  Result<std::string> system = Render(prompt.system, values);
  if (!system) return Unexpected{system.error()};
  Result<std::string> user = Render(prompt.user, values);
  if (!user) return Unexpected{user.error()};
  conversation.system = std::move(system).value();
  conversation.messages.push_back({Role::kUser, std::move(user).value()});
  return conversation;
}

}  // namespace afbench::judge

#include "chat_format.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace afbench::llama {
namespace {

// --force-format. Text inside a block may hold any character and any tag except the block's own
// closing tag ("</" is allowed only as the start of </DRAFT_OUTPUT>), so drafts and quoted tags
// still parse, while the closing tags cannot be mistyped. Up to two newlines between blocks.
constexpr std::string_view kReplyGrammar = R"gbnf(
root       ::= (scratchpad sep)+ output? | output
scratchpad ::= "<SCRATCHPAD_REASONING>" body "</SCRATCHPAD_REASONING>"
output     ::= "<OUTPUT>" body "</OUTPUT>"
body       ::= ([^<] | "<" [^/] | "</DRAFT_OUTPUT>")*
sep        ::= "\n"? "\n"?
)gbnf";

const char* RoleName(Role role) { return role == Role::kUser ? "user" : "assistant"; }

Result<std::string> ReadTemplateFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string names;
    for (const std::string& name : BuiltinTemplateNames())
      names += (names.empty() ? "" : ", ") + name;
    return Fail(ErrorKind::kInvalidInput, "llama: --chat-template " + path +
                                              ": neither a file nor a built-in template (" + names +
                                              ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> BuiltinTemplateNames() {
  const int32_t count = llama_chat_builtin_templates(nullptr, 0);
  std::vector<const char*> names(static_cast<size_t>(std::max(count, 0)));
  llama_chat_builtin_templates(names.data(), names.size());
  return {names.begin(), names.end()};
}

Result<std::string> ResolveChatTemplate(const llama_model* model, const std::string& option) {
  std::string chat_template;
  if (option.empty()) {
    const char* own = llama_model_chat_template(model, nullptr);
    if (own == nullptr) {
      return Fail(ErrorKind::kInvalidInput,
                  "llama: the model has no chat template: give --chat-template NAME|FILE");
    }
    chat_template = own;
  } else {
    const std::vector<std::string> names = BuiltinTemplateNames();
    if (std::find(names.begin(), names.end(), option) != names.end()) {
      chat_template = option;
    } else {
      Result<std::string> text = ReadTemplateFile(option);
      if (!text) return Fail(text.error());
      chat_template = std::move(*text);
    }
  }
  const Conversation probe{"system", {{Role::kUser, "user"}}};
  if (!RenderPrompt(chat_template, probe, "")) {
    return Fail(ErrorKind::kInvalidInput,
                std::string("llama: chat template ") + (option.empty() ? "of the model" : option) +
                    " is not one llama.cpp recognises: give --chat-template with one of its "
                    "built-in names");
  }
  return chat_template;
}

Result<std::string> RenderPrompt(const std::string& chat_template, const Conversation& conversation,
                                 std::string_view prefill) {
  std::vector<llama_chat_message> messages;
  if (!conversation.system.empty()) messages.push_back({"system", conversation.system.c_str()});
  size_t chars = conversation.system.size();
  for (const Message& message : conversation.messages) {
    messages.push_back({RoleName(message.role), message.content.c_str()});
    chars += message.content.size();
  }
  std::string text(2 * chars + 1024, '\0');
  int32_t n = -1;
  try {  // the rendering is C++ behind a C API; keep any exception here
    n = llama_chat_apply_template(chat_template.c_str(), messages.data(), messages.size(), true,
                                  text.data(), static_cast<int32_t>(text.size()));
    if (n > static_cast<int32_t>(text.size())) {
      text.resize(static_cast<size_t>(n));
      n = llama_chat_apply_template(chat_template.c_str(), messages.data(), messages.size(), true,
                                    text.data(), n);
    }
  } catch (const std::exception&) {
    n = -1;
  }
  if (n < 0) {
    return Fail(ErrorKind::kInvalidRequest,
                "llama: the chat template cannot render the conversation");
  }
  text.resize(static_cast<size_t>(n));
  text.append(prefill);
  return text;
}

std::string_view ReplyFormatGrammar() { return kReplyGrammar; }

}  // namespace afbench::llama

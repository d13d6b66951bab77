#include "chat_format.h"

#include <algorithm>
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

Result<std::string> ReadTemplateFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string names;
    for (const std::string& name : llamacpp::BuiltinTemplateNames())
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

Result<std::string> ResolveChatTemplate(const llama_model* model, const std::string& option) {
  std::string chat_template;
  if (option.empty()) {
    Result<std::string> own = llamacpp::ModelChatTemplate(model);
    if (!own) {
      return Fail(ErrorKind::kInvalidInput,
                  "llama: the model has no chat template: give --chat-template NAME|FILE");
    }
    chat_template = std::move(*own);
  } else {
    const std::vector<std::string> names = llamacpp::BuiltinTemplateNames();
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
  Result<std::string> text =
      llamacpp::ApplyChatTemplate(chat_template, conversation, /*add_assistant=*/true);
  if (!text) {
    return Fail(ErrorKind::kInvalidRequest,
                "llama: the chat template cannot render the conversation");
  }
  text->append(prefill);
  return std::move(*text);
}

std::string_view ReplyFormatGrammar() { return kReplyGrammar; }

}  // namespace afbench::llama

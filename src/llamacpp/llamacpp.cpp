#include "afbench/llamacpp.h"

#include <climits>
#include <exception>
#include <mutex>
#include <system_error>

namespace afbench::llamacpp {
namespace {

std::mutex& LogMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string& KeptError() {
  static std::string last;
  return last;
}

// llama.cpp logs every load and context creation; afbench's library code never prints. Error
// lines are kept so that a failed call can say why.
void KeepErrors(ggml_log_level level, const char* text, void* /*user_data*/) {
  if (level != GGML_LOG_LEVEL_ERROR || text == nullptr) return;
  std::string line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.empty()) return;
  std::lock_guard<std::mutex> lock(LogMutex());
  KeptError() = std::move(line);
}

const char* RoleName(Role role) { return role == Role::kUser ? "user" : "assistant"; }

}  // namespace

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(&KeepErrors, nullptr);
    llama_backend_init();
  });
}

std::string LastError() {
  std::lock_guard<std::mutex> lock(LogMutex());
  return KeptError().empty() ? "llama.cpp gave no reason" : KeptError();
}

Result<ModelPtr> LoadModel(const std::filesystem::path& path, const LoadOptions& options,
                           std::string_view who) {
  InitOnce();
  const std::string where = std::string(who) + ": " + path.string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(ErrorKind::kNotFound, where + ": no such model file");
  }
  llama_model_params params = llama_model_default_params();
  params.vocab_only = options.vocab_only;
  if (options.writable) {
    params.load_mode = LLAMA_LOAD_MODE_NONE;
    params.n_gpu_layers = 0;
  }
  ModelPtr model(llama_model_load_from_file(path.c_str(), params));
  if (!model) {
    return Fail(ErrorKind::kInvalidInput,
                where + ": llama.cpp cannot load the model: " + LastError());
  }
  return model;
}

Result<std::vector<llama_token>> Tokenize(const llama_vocab* vocab, std::string_view text,
                                          bool add_bos, bool parse_special) {
  if (text.size() > static_cast<size_t>(INT32_MAX / 2)) {
    return Fail(ErrorKind::kInvalidRequest, "llama.cpp: text too long to tokenize");
  }
  const auto length = static_cast<int32_t>(text.size());
  std::vector<llama_token> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab, text.data(), length, tokens.data(),
                             static_cast<int32_t>(tokens.size()), add_bos, parse_special);
  if (n < 0 && n != INT32_MIN) {
    tokens.resize(static_cast<size_t>(-n));
    n = llama_tokenize(vocab, text.data(), length, tokens.data(), -n, add_bos, parse_special);
  }
  if (n < 0) return Fail(ErrorKind::kInvalidRequest, "llama.cpp: the text cannot be tokenized");
  tokens.resize(static_cast<size_t>(n));
  return tokens;
}

Result<std::string> ApplyChatTemplate(const std::string& chat_template,
                                      const Conversation& conversation, bool add_assistant) {
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
    for (int attempt = 0; attempt < 2; ++attempt) {
      n = llama_chat_apply_template(chat_template.c_str(), messages.data(), messages.size(),
                                    add_assistant, text.data(), static_cast<int32_t>(text.size()));
      if (n < 0 || static_cast<size_t>(n) <= text.size()) break;
      text.resize(static_cast<size_t>(n));
      n = -1;  // the output did not fit; render again into the larger buffer
    }
  } catch (const std::exception&) {
    n = -1;
  }
  if (n < 0) {
    return Fail(ErrorKind::kInvalidRequest,
                "llama.cpp: the chat template cannot render the conversation");
  }
  text.resize(static_cast<size_t>(n));
  return text;
}

Result<std::string> ModelChatTemplate(const llama_model* model) {
  const char* text = llama_model_chat_template(model, nullptr);
  if (text == nullptr) {
    return Fail(ErrorKind::kInvalidInput, "llama.cpp: the model has no tokenizer.chat_template");
  }
  return std::string(text);
}

std::vector<std::string> BuiltinTemplateNames() {
  const int32_t count = llama_chat_builtin_templates(nullptr, 0);
  std::vector<const char*> names(static_cast<size_t>(std::max(count, 0)));
  llama_chat_builtin_templates(names.data(), names.size());
  return {names.begin(), names.end()};
}

}  // namespace afbench::llamacpp

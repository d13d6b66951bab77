#include "llama_util.h"

#include <mutex>

namespace afbench::train {
namespace {

void DropLog(ggml_log_level /*level*/, const char* /*text*/, void* /*user_data*/) {}

}  // namespace

void InitLlamaQuietly() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(DropLog, nullptr);
    llama_backend_init();
  });
}

Result<ModelPtr> LoadModel(const std::filesystem::path& path, bool vocab_only) {
  InitLlamaQuietly();
  llama_model_params params = llama_model_default_params();
  params.vocab_only = vocab_only;
  // Training writes the weights: they must live in ordinary host memory, not a read-only mapping
  // (as llama.cpp's examples/training/finetune.cpp forces).
  params.load_mode = LLAMA_LOAD_MODE_NONE;
  params.n_gpu_layers = 0;
  ModelPtr model(llama_model_load_from_file(path.c_str(), params));
  if (!model) {
    return Fail(ErrorKind::kInvalidInput, "train: " + path.string() + ": cannot load model");
  }
  return model;
}

Result<std::vector<llama_token>> Tokenize(const llama_vocab* vocab, const std::string& text) {
  const auto length = static_cast<int32_t>(text.size());
  std::vector<llama_token> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab, text.data(), length, tokens.data(),
                             static_cast<int32_t>(tokens.size()), false, true);
  if (n < 0) {
    tokens.resize(static_cast<size_t>(-n));
    n = llama_tokenize(vocab, text.data(), length, tokens.data(),
                       static_cast<int32_t>(tokens.size()), false, true);
  }
  if (n < 0) return Fail(ErrorKind::kInternal, "train: tokenize: failed");
  tokens.resize(static_cast<size_t>(n));
  return tokens;
}

Result<std::string> RenderChat(const std::string& chat_template, const Conversation& conversation,
                               bool add_assistant) {
  std::vector<llama_chat_message> messages;
  if (!conversation.system.empty()) messages.push_back({"system", conversation.system.c_str()});
  for (const Message& message : conversation.messages) {
    messages.push_back(
        {message.role == Role::kUser ? "user" : "assistant", message.content.c_str()});
  }
  std::string out(4096, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int32_t n =
        llama_chat_apply_template(chat_template.c_str(), messages.data(), messages.size(),
                                  add_assistant, out.data(), static_cast<int32_t>(out.size()));
    if (n < 0) return Fail(ErrorKind::kInvalidInput, "train: chat template: not supported");
    if (static_cast<size_t>(n) <= out.size()) {
      out.resize(static_cast<size_t>(n));
      return out;
    }
    out.resize(static_cast<size_t>(n));
  }
  return Fail(ErrorKind::kInternal, "train: chat template: output size changed");
}

Result<std::string> ModelChatTemplate(const llama_model* model) {
  const char* tmpl = llama_model_chat_template(model, nullptr);
  if (tmpl == nullptr) {
    return Fail(ErrorKind::kInvalidInput, "train: model has no tokenizer.chat_template");
  }
  return std::string(tmpl);
}

}  // namespace afbench::train

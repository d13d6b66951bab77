// The one boundary to llama.cpp's C API (llama.h): owning handles, the process-wide
// initialisation and log handler, model loading, tokenizing and chat-template rendering. The
// in-process engine (src/backend/llama), the trainer and the reply scorer (src/train) all go
// through it, so llama.cpp is initialised once and its log goes to one handler.
//
// llama.cpp's log is never printed (library code never prints): its error lines are kept so that
// a failed load or context creation can say why (LastError). Everything here is thread-safe; a
// model may be shared by threads for tokenizing (llama.cpp's vocabulary is read-only once loaded).
#pragma once

#include <llama.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::llamacpp {

struct ModelDeleter {
  void operator()(llama_model* model) const { llama_model_free(model); }
};
struct ContextDeleter {
  void operator()(llama_context* context) const { llama_free(context); }
};
struct SamplerDeleter {
  void operator()(llama_sampler* sampler) const { llama_sampler_free(sampler); }
};
using ModelPtr = std::unique_ptr<llama_model, ModelDeleter>;
using ContextPtr = std::unique_ptr<llama_context, ContextDeleter>;
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

/// Initialises llama.cpp's backends once per process and installs the log handler. Every
/// function below calls it; call it before using llama.h directly.
void InitOnce();

/// The last error line llama.cpp logged ("llama.cpp gave no reason" when none).
std::string LastError();

/// How to load a model.
struct LoadOptions {
  bool vocab_only = false;  ///< The tokenizer only, no weights.
  /// Weights in ordinary host memory rather than a read-only mapping: training updates them in
  /// place (as llama.cpp's examples/training/finetune.cpp forces), and nothing is offloaded.
  bool writable = false;
};

/// Loads `path`. Errors name `who` (the caller's prefix, e.g. "llama") and the file: kNotFound
/// when it is not a file, kInvalidInput with llama.cpp's reason when it cannot be loaded.
Result<ModelPtr> LoadModel(const std::filesystem::path& path, const LoadOptions& options,
                           std::string_view who);

/// Tokenizes `text`; `add_bos` as the vocabulary says, `parse_special` reads control-token texts
/// (such as <|im_start|>) as those tokens. Fails (kInvalidRequest) for text llama.cpp cannot take.
Result<std::vector<llama_token>> Tokenize(const llama_vocab* vocab, std::string_view text,
                                          bool add_bos, bool parse_special);

/// `conversation` rendered with `chat_template` (a built-in name or a template that llama.cpp's
/// template detection recognises); `add_assistant` opens the next assistant turn.
/// Fails (kInvalidRequest) when the template is not one llama.cpp can render.
Result<std::string> ApplyChatTemplate(const std::string& chat_template,
                                      const Conversation& conversation, bool add_assistant);

/// The model's tokenizer.chat_template; kInvalidInput when it has none.
Result<std::string> ModelChatTemplate(const llama_model* model);

/// llama.cpp's built-in chat template names.
std::vector<std::string> BuiltinTemplateNames();

}  // namespace afbench::llamacpp

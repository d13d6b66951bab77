// Private to the train component: owning handles and small helpers over llama.cpp's C API.
//
// Handles free their object on destruction. The helpers keep no state; a model may be used by
// several threads only for tokenizing (llama.cpp's vocab is read-only after loading).
#pragma once

#include <llama.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::train {

struct ModelFree {
  void operator()(llama_model* model) const { llama_model_free(model); }
};
struct ContextFree {
  void operator()(llama_context* ctx) const { llama_free(ctx); }
};
struct SamplerFree {
  void operator()(llama_sampler* sampler) const { llama_sampler_free(sampler); }
};
using ModelPtr = std::unique_ptr<llama_model, ModelFree>;
using ContextPtr = std::unique_ptr<llama_context, ContextFree>;
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerFree>;

/// Initialises llama.cpp once per process and silences its logging (library code never prints).
void InitLlamaQuietly();

/// Loads a model into writable host memory (training updates the weights in place).
Result<ModelPtr> LoadModel(const std::filesystem::path& path, bool vocab_only);

/// Tokenizes `text` with special tokens parsed and no BOS added (chat templates write their own).
Result<std::vector<llama_token>> Tokenize(const llama_vocab* vocab, const std::string& text);

/// Renders a Conversation with `chat_template` (llama.cpp's built-in template detection);
/// `add_assistant` opens the next assistant turn.
Result<std::string> RenderChat(const std::string& chat_template, const Conversation& conversation,
                               bool add_assistant);

/// The model's tokenizer.chat_template, or an error naming the model.
Result<std::string> ModelChatTemplate(const llama_model* model);

}  // namespace afbench::train

// The one GGUF writer: random-weight llama-architecture models, for the trainer's start models
// (src/train/start_model.h) and the test tools' tiny models (tests/tools/tiny_model.h).
//
// The caller puts the tokenizer.* keys into a gguf context (copied or pruned from a llama.cpp
// models/ggml-vocab-*.gguf file); WriteRandomLlama adds the hyperparameters and the weights and
// writes the file beside its target before renaming it, so an interrupted write never leaves a
// truncated model where a later step would load it. Norm weights are 1; every other weight is
// uniform in [-scale, scale), scale 1/sqrt(fan-in) (token_embd: 1), drawn from the SplitMix64
// stream seeded by (seed, tensor index): the file is a pure function of the spec and the
// tokenizer. Stateless; safe from several threads for different files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "afbench/result.h"

struct gguf_context;
struct ggml_context;

namespace afbench::gguf {

struct GgufDeleter {
  void operator()(gguf_context* context) const;
};
struct GgmlDeleter {
  void operator()(ggml_context* context) const;
};
using GgufPtr = std::unique_ptr<gguf_context, GgufDeleter>;
using GgmlPtr = std::unique_ptr<ggml_context, GgmlDeleter>;

/// ChatML (<|im_start|>role\n...<|im_end|>), written from the format's description: the chat
/// template a spec gets when it names none. Every ggml-vocab tokenizes it (as special tokens
/// where the vocabulary has them, e.g. qwen2).
std::string_view ChatMlTemplate();

/// A llama-architecture model to write.
struct RandomLlamaSpec {
  int64_t n_layer = 2;
  int64_t n_embd = 64;
  int64_t n_head = 4;
  int64_t n_head_kv = 4;  ///< Fewer than n_head gives grouped-query attention.
  int64_t n_ff = 256;
  int64_t n_ctx = 256;  ///< llama.context_length.
  uint64_t seed = 1;
  bool f16 = false;  ///< F16 matrices (norms stay F32); llama.cpp's backward pass needs F32.
  /// No output.weight: the head is tied to token_embd. An untied head is needed for training
  /// (llama.cpp never updates token_embd at this pin).
  bool tied_output = true;
  std::string name = "afbench-model";  ///< general.name
  std::string chat_template{};         ///< tokenizer.chat_template; empty writes ChatMlTemplate().
};

/// "shape: ..." when the spec cannot describe a llama model (non-positive sizes, an embedding
/// that is not an even multiple of the heads, heads not a multiple of the KV heads); ok otherwise.
Status CheckShape(const RandomLlamaSpec& spec);

/// The vocabulary size of a gguf context holding tokenizer.ggml.tokens (0 without it).
int64_t VocabSize(const gguf_context* tokenizer);

/// Writes `out` beside `path` and renames it into place (a model is never seen half-written); the
/// parent folders are created. kIo naming `who` and the file when it cannot.
Status WriteFile(const gguf_context* out, const std::filesystem::path& path, std::string_view who);

/// Adds `spec`'s hyperparameters and weights to `out` (which holds the tokenizer) and writes it
/// to `path`. Returns the number of weights. Errors: kInvalidInput (shape), kIo (write), kInternal
/// (out of memory); messages start with `who`.
Result<int64_t> WriteRandomLlama(gguf_context* out, const RandomLlamaSpec& spec,
                                 const std::filesystem::path& path, std::string_view who);

}  // namespace afbench::gguf

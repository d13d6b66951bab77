// Start models: random-weight llama-architecture GGUF files that training begins from.
//
// A start model takes its tokenizer from one of llama.cpp's models/ggml-vocab-*.gguf files and,
// when given a corpus, prunes that vocabulary to the tokens the corpus can produce: the tokens the
// corpus tokenizes to, every token whose text is a substring of one of them (BPE builds a token
// only from pieces inside it, so these are all the intermediate merges), the single-byte tokens and
// the control tokens. The output layer dominates training cost, so pruning qwen2's 152k tokens to
// ~1k makes steps several times faster (issue 8). WriteStartModel then re-tokenizes the corpus with
// the pruned vocabulary and fails unless every token sequence is unchanged (modulo the id
// renumbering).
//
// Unlike tests/tools' tiny models, a start model is all F32 (llama.cpp's backward pass needs F32
// weights) and has an untied output head: llama.cpp's training never updates token_embd (its
// llama_set_param is commented out at this pin), so a tied head could not learn. Weights are a pure
// function of the seed. No shared state; safe to call from several threads for different files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::train {

/// What to write.
struct StartModelOptions {
  std::filesystem::path vocab_path{};  ///< A llama.cpp models/ggml-vocab-*.gguf file.
  std::filesystem::path out_path{};    ///< The GGUF file to write (replaced if present).
  /// Texts (special tokens parsed) whose tokenization must survive pruning; empty keeps the whole
  /// vocabulary.
  std::vector<std::string> corpus{};
  uint64_t seed = 1;
  int64_t n_layer = 2;
  int64_t n_embd = 128;
  int64_t n_head = 4;
  int64_t n_ff = 512;
  int64_t n_ctx = 256;  ///< llama.context_length: the training window.
  /// general.name. Never containing "phi3": llama.cpp then handles special-token whitespace
  /// differently (issue 8).
  std::string name = "afbench-organism";
  std::string chat_template{};  ///< tokenizer.chat_template; empty writes ChatML.
};

/// What was written.
struct StartModelInfo {
  int64_t n_vocab = 0;         ///< Tokens in the written model.
  int64_t n_vocab_source = 0;  ///< Tokens in the vocab file.
  int64_t n_params = 0;        ///< Weights in the written model.
};

/// The ChatML template written when StartModelOptions::chat_template is empty.
std::string ChatMlTemplate();

/// Writes the start model. Errors: "start-model: <path>: <what>" (kNotFound, kInvalidInput, kIo),
/// and kInternal when pruning would change the corpus's tokenization.
Result<StartModelInfo> WriteStartModel(const StartModelOptions& options);

}  // namespace afbench::train

namespace afbench::train {

/// `conversation` rendered with ChatMlTemplate() (no assistant turn opened): the text a start
/// model's corpus should hold for pruning.
Result<std::string> RenderChatMl(const Conversation& conversation);

}  // namespace afbench::train

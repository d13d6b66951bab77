// Tiny random-weight GGUF models for tests of the real llama.cpp engine and llama-server.
//
// A tiny model has the llama architecture, a few layers of 64-128 dimensions and random weights, so
// it loads and runs in milliseconds but does not speak English: tests check plumbing (loading,
// tokenizing, batching, sampling, usage counts), never what the model says. Its tokenizer is real:
// every tokenizer.* key is copied from one of llama.cpp's models/ggml-vocab-*.gguf files, so
// prompts tokenize to realistic lengths. The output head is tied to the token embeddings (there is
// no output.weight): a random untied head emits token sequences that are not valid UTF-8, which
// llama-server answers with HTTP 500 (issue 3). Weights are a pure function of the seed, so the
// same options give a byte-identical file.
//
// Written by afbench's one GGUF writer (afbench/gguf_writer.h, shared with the trainer's start
// models; llama.cpp's public gguf.h/ggml.h API only, llama-model-saver.h is internal).
// WriteTinyModel keeps no state and may be called from several threads for different files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "afbench/result.h"

namespace afbench::tiny {

/// What to write. Defaults give a ~2-layer, 64-wide model; the vocabulary size comes from the
/// vocab file.
struct TinyModelOptions {
  std::filesystem::path vocab_path{};  ///< A llama.cpp models/ggml-vocab-*.gguf file.
  std::filesystem::path out_path{};    ///< The GGUF file to write (replaced if present).
  uint64_t seed = 1;                   ///< Same seed and options -> byte-identical file.
  int64_t n_layer = 2;
  int64_t n_embd = 64;
  int64_t n_head = 4;
  int64_t n_head_kv = 4;  ///< Fewer than n_head gives grouped-query attention.
  int64_t n_ff = 256;
  /// Training context written to llama.context_length. Large enough that llama-server can give
  /// every slot a ~6k-token scenario prompt.
  int64_t n_ctx = 32768;
  bool f16 = true;  ///< F16 matrices (F32 when false); norms are always F32.
  /// Jinja chat template; empty writes ChatMlTemplate().
  std::string chat_template{};
};

/// The default chat template: ChatML (<|im_start|>role\n...<|im_end|>), which every ggml-vocab
/// tokenizes (as special tokens where the vocabulary has them, e.g. qwen2).
std::string_view ChatMlTemplate();

/// Writes the model described by `options`. Fails with kInvalidInput for inconsistent shapes, with
/// kNotFound/kInvalidInput for a missing or unreadable vocab file, and with kIo when the output
/// cannot be written. Messages start with "tiny-model: ".
Status WriteTinyModel(const TinyModelOptions& options);

}  // namespace afbench::tiny

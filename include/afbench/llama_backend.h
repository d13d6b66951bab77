// LlamaBackend: the in-process `llama/<path.gguf>` Backend, running a GGUF model with llama.cpp
// inside the afbench process.
//
// One LlamaBackend loads its model once and owns one llama.cpp context whose KV cache holds
// `parallel` sequences. Generate() renders the Conversation with the model's chat template (or
// LlamaBackendOptions::chat_template), tokenizes it with special tokens parsed, and hands it to the
// engine's scheduler thread, which batches all requests in flight continuously and reuses cached
// prompt prefixes: the system prompt shared by every Sample of a Run is evaluated once, and the
// next turn of a Sample starts from the tokens of its previous turn (docs/llama.md, "The llama/
// backend"). Usage maps the engine's counters: input_tokens = prompt tokens evaluated,
// cache_read_tokens = prompt tokens reused from the KV cache, output_tokens = generated tokens.
//
// Thread-safe: Generate() may be called from many threads at once (the Runner's workers); each
// call blocks until its reply is done. Destroying the backend while calls are in flight fails them
// with kCancelled. llama.cpp's headers stay out of this file (pimpl).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/backend.h"
#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench {

/// How to run the model. Every member has a default.
struct LlamaBackendOptions {
  std::string model_path{};  ///< The GGUF file (the part of the spec after "llama/").
  /// Sequences decoded together (--parallel). More requests than this wait in a queue.
  int parallel = 8;
  /// KV cache cells shared by all sequences (--ctx); 0: the model's training context times
  /// `parallel`, at most 32768. A shared prefix occupies its cells once, whatever the number of
  /// sequences using it.
  int ctx_tokens = 0;
  /// "" uses the model's own template (GGUF tokenizer.chat_template); otherwise the name of a
  /// template built into llama.cpp ("chatml", "llama3", ...) or a file holding a template.
  std::string chat_template{};
  double top_p = 1.0;  ///< Nucleus sampling (--top-p); 1 turns it off.
  /// Constrain every reply with a grammar to the <SCRATCHPAD_REASONING>/<OUTPUT> structure
  /// (--force-format), for small models that drift from it.
  bool force_format = false;
  int threads = 0;          ///< CPU threads; 0: all hardware threads.
  int batch_tokens = 2048;  ///< Tokens per decode step.
};

/// Counters of one engine since it was opened.
struct LlamaEngineStats {
  int64_t requests = 0;
  int64_t prompt_tokens = 0;            ///< Prompt tokens of all requests (evaluated + reused).
  int64_t prompt_tokens_evaluated = 0;  ///< Run through the model.
  int64_t prompt_tokens_reused = 0;     ///< Taken from the KV cache of some sequence.
  int64_t generated_tokens = 0;
  int64_t decode_calls = 0;
  int64_t evictions = 0;    ///< Cached tokens of idle sequences dropped to make room.
  int64_t preemptions = 0;  ///< Requests restarted because the KV cache was full.
};

class LlamaBackend final : public Backend {
 public:
  /// Loads the model and starts the engine. kNotFound for a missing model file; kInvalidInput for
  /// a file llama.cpp cannot load, an unusable chat template or bad options.
  static Result<std::unique_ptr<LlamaBackend>> Open(const LlamaBackendOptions& options);
  ~LlamaBackend() override;
  LlamaBackend(const LlamaBackend&) = delete;
  LlamaBackend& operator=(const LlamaBackend&) = delete;

  /// One reply. Errors: kInvalidRequest when the prompt does not fit the context or the template
  /// cannot render it; kCancelled when the backend is being destroyed.
  Result<Generation> Generate(const Conversation& conversation,
                              const GenerateRequest& request) override;

  /// The prompt tokens Generate() evaluates for `conversation` and `prefill` (for benchmarks and
  /// tests that count tokens).
  Result<std::vector<int32_t>> PromptTokens(const Conversation& conversation,
                                            std::string_view prefill) const;
  /// `text` tokenized as a reply (no special tokens).
  Result<std::vector<int32_t>> ReplyTokens(std::string_view text) const;

  LlamaEngineStats Stats() const;

 private:
  class Impl;
  explicit LlamaBackend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Builds a LlamaBackend as a Backend. Always linked: in a build without llama.cpp it fails with
/// kInvalidInput ("built without llama.cpp").
Result<std::unique_ptr<Backend>> MakeLlamaBackend(const LlamaBackendOptions& options);

/// True when this afbench was built with llama.cpp.
bool LlamaBackendAvailable();

}  // namespace afbench

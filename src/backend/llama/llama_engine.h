// Engine: one llama.cpp model and context, shared by every request, with continuous batching.
//
// Threading: the scheduler thread owns the llama_context; nothing else touches it. Complete() may
// be called from any number of threads: it queues a request and blocks until the scheduler has
// finished it. The scheduler admits queued requests into free sequences (slots) as soon as one is
// free, evaluates all running sequences together in one llama_decode per step (each generating
// sequence contributes one token, prompts fill the rest of the batch), and completes each request
// on its own (a finished sequence frees its slot at once; the others go on). Prompt prefixes
// already in some sequence's KV cache are copied, not evaluated again (slot_table.h).
// Tokenize() and the model/vocab accessors are read-only and thread-safe. The destructor stops the
// thread; requests still queued or running fail with kCancelled.
#pragma once

#include <llama.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "afbench/llama_backend.h"
#include "afbench/result.h"
#include "engine_types.h"

namespace afbench::llama {

class Scheduler;

struct EngineOptions {
  std::string model_path;
  int parallel = 8;         ///< Sequences in the context (n_seq_max).
  int ctx_tokens = 0;       ///< KV cells shared by all sequences; 0: min(training context, 32768).
  int batch_tokens = 2048;  ///< Tokens per llama_decode (n_batch).
  int threads = 0;          ///< 0: all hardware threads.
};

class Engine {
 public:
  /// Loads the model and creates the context; kNotFound for a missing file, kInvalidInput for a
  /// file llama.cpp cannot load or options it rejects.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Runs one request to completion. Thread-safe; blocks.
  Result<Completion> Complete(std::vector<Token> prompt, SamplingOptions sampling);
  /// `text` as tokens, special tokens parsed when `special`, BOS added when the model wants one and
  /// `add_bos`. Thread-safe.
  Result<std::vector<Token>> Tokenize(std::string_view text, bool add_bos, bool special) const;

  const llama_model* model() const { return model_.get(); }
  int ctx_tokens() const { return ctx_tokens_; }
  LlamaEngineStats Stats() const;

 private:
  Engine() = default;
  void Loop();

  ModelPtr model_;
  ContextPtr context_;
  int ctx_tokens_ = 0;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<StatCounters> counters_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> incoming_;  // guarded by mutex_
  bool stopping_ = false;                      // guarded by mutex_
  std::thread thread_;
};

}  // namespace afbench::llama

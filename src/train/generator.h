// Generator: plain temperature-1 sampling from a local GGUF model, for evaluating trained models.
//
// No top-k, top-p or min-p truncation: truncation cuts rare branches (an organism's 5% paid-tier
// compliance) and distorts the measured rates (issue 8). One sequence at a time; a Generator is not
// thread-safe (use one per thread). Owns its llama.cpp model and context (pimpl: no llama.h here).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::train {

class Generator {
 public:
  /// Loads `model_path`; every sample draws from one stream seeded by `seed`.
  static Result<std::unique_ptr<Generator>> Open(const std::filesystem::path& model_path,
                                                 uint64_t seed, int n_threads);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  /// Renders `conversation` with the model's chat template, opens an assistant turn and samples
  /// until an end-of-generation token or `max_tokens`.
  Result<Generation> Generate(const Conversation& conversation, int max_tokens);

 private:
  struct Impl;
  explicit Generator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace afbench::train

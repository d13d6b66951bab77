// Owning handles for llama.cpp's C objects (the llama.cpp habit: opaque handles in unique_ptr with
// a deleter), and the silenced log. Private to src/backend/llama.
#pragma once

#include <llama.h>

#include <memory>
#include <string>

namespace afbench::llama {

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

/// Initialises llama.cpp's backends once per process and routes its log away from stderr (library
/// code never prints). Thread-safe.
void InitLlamaOnce();

/// The last error line llama.cpp logged, for error messages ("" when none).
std::string LastLlamaError();

}  // namespace afbench::llama

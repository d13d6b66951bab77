// The sampler chain of one request: optional grammar, nucleus, temperature, seeded draw. Private
// to src/backend/llama.
#pragma once

#include <llama.h>

#include "afbench/result.h"
#include "engine_types.h"

namespace afbench::llama {

/// Builds the chain for `options`: [grammar] -> top-p -> temperature -> draw(seed), or
/// [grammar] -> greedy at temperature 0 (llama.cpp's common order: truncation before temperature).
/// When there is a grammar, the chain has already accepted `options.grammar_prefix`.
/// kInvalidRequest for a grammar that does not parse or a prefix it does not allow.
Result<SamplerPtr> MakeSampler(const llama_vocab* vocab, const SamplingOptions& options);

}  // namespace afbench::llama

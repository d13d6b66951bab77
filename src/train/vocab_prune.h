// Private to the train component: pruning a GGUF tokenizer to the tokens a corpus can produce
// (start_model.h explains the rule).
#pragma once

#include <gguf.h>

#include <cstdint>
#include <vector>

#include "afbench/result.h"

namespace afbench::train {

/// The kept token ids of the source vocabulary, ascending, for a corpus that tokenized to `used`.
/// `vocab` is the source GGUF (tokenizer.ggml.tokens and token_type).
std::vector<int32_t> KeptTokens(const gguf_context* vocab, const std::vector<int32_t>& used);

/// Copies the tokenizer.* keys of `vocab` into `out` (except the chat template), keeping only the
/// tokens in `kept` (ascending) and the merges among them, and renumbering the special-token ids.
/// Fails when a special token id (bos, eos, ...) is not kept. Returns the number of tokens.
Result<int64_t> CopyPrunedTokenizer(gguf_context* out, const gguf_context* vocab,
                                    const std::vector<int32_t>& kept);

}  // namespace afbench::train

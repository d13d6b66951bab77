// TokenMemo: the tokens of recent prompts with their replies, as the engine saw them, so that the
// next turn of a Sample starts with exactly the tokens already in the KV cache.
//
// Why: the next turn's prompt text contains the previous reply, and tokenizing that text again
// often gives other tokens than the ones the model sampled (a byte-level BPE merges across the
// boundary between the assistant header and the reply, or inside the reply). The cached sequence
// would then match only up to the first difference, and the rest of the conversation would be
// evaluated again. With the memo, a prompt that extends a remembered text reuses its tokens and
// tokenizes only the new part. A miss (e.g. after resuming a Run) falls back to tokenizing the
// whole text. Bounded: the least recently used entries are dropped.
//
// Thread-safe (one mutex).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slot_table.h"

namespace afbench::llama {

class TokenMemo {
 public:
  explicit TokenMemo(size_t capacity) : capacity_(capacity) {}

  /// Remembers that `text` was (or has been extended to) exactly `tokens`.
  void Remember(std::string text, std::vector<Token> tokens);
  /// The tokens remembered for exactly `text`, if any (and marks them recently used).
  std::optional<std::vector<Token>> Find(std::string_view text);
  size_t size() const;

 private:
  struct Entry {
    std::string text;
    std::vector<Token> tokens;
  };

  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first; guarded by mutex_
  size_t capacity_;
};

}  // namespace afbench::llama

// SlotTable: which tokens each sequence of the llama.cpp context holds, and where a new prompt
// should go so that the least work is repeated. Pure bookkeeping, no llama.cpp: the engine
// (llama_engine.cpp) applies the decisions to the KV cache and tells the table what it did.
//
// The context runs `slots` sequences (seq ids 0..slots-1) in one unified KV cache. A slot is idle
// or busy (holds a request). Every slot remembers the tokens its sequence holds in the cache
// (`cached`, positions 0..n-1); a busy slot also knows the prompt it is working towards (`target`).
// Idle slots keep their tokens: the next turn of the same Sample, or any other request with the
// same system prompt, starts from them.
//
// Plan() picks, for a prompt, the slot whose cached tokens share the longest prefix with it (the
// source), and an idle slot to run in: one whose tokens are all a prefix of the prompt (the
// source itself for the next turn of a Sample; an empty slot), else the least recently used idle
// slot, whose tokens are dropped and replaced by a copy of the source's prefix. When a busy
// slot is still evaluating a prompt that shares a clearly longer prefix than anything cached (the
// first wave of requests, all with the same system prompt), the plan says to wait for it, so that
// the shared prefix is evaluated once and copied, instead of once per slot.
//
// Not thread-safe: owned by the engine's scheduler thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace afbench::llama {

using Token = int32_t;

/// Length of the longest common prefix of `a` and `b`.
size_t CommonPrefix(std::span<const Token> a, std::span<const Token> b);

/// Where a prompt goes.
struct Admission {
  int slot = -1;     ///< The idle slot that runs the request.
  int source = -1;   ///< The slot whose cached prefix is reused (== slot: in place; -1: none).
  size_t reuse = 0;  ///< Prompt tokens taken from the source's cache (never the whole prompt).
};

/// What Plan() decided.
struct PlanResult {
  std::optional<Admission> admission;  ///< Empty: no idle slot, or waiting.
  int wait_for = -1;  ///< A busy slot evaluating a longer shared prefix; try again once it has.
};

/// Shrink an idle slot's tokens to `keep` to free KV cells.
struct Eviction {
  int slot = -1;
  size_t keep = 0;
};

class SlotTable {
 public:
  /// `min_wait_gain`: a prompt waits for a busy slot only when that saves at least this many
  /// tokens over what is already cached (waiting costs latency; small gains are not worth it).
  explicit SlotTable(int slots, size_t min_wait_gain = 32);

  int size() const { return static_cast<int>(slots_.size()); }
  bool busy(int slot) const { return slots_[Index(slot)].busy; }
  const std::vector<Token>& cached(int slot) const { return slots_[Index(slot)].cached; }
  const std::vector<Token>& target(int slot) const { return slots_[Index(slot)].target; }
  int IdleCount() const;

  /// Decides where `prompt` (non-empty) should run. Changes nothing.
  PlanResult Plan(std::span<const Token> prompt) const;
  /// Records an admission from Plan(): the slot is busy, holds prompt[0, reuse) and works
  /// towards `prompt`.
  void Admit(const Admission& admission, std::span<const Token> prompt);
  /// The slot's sequence now also holds `tokens` (prompt tokens or a generated token).
  void Append(int slot, std::span<const Token> tokens);
  /// Tokens of the target prompt not yet in the cache.
  size_t PromptRemaining(int slot) const;
  /// The request finished; the slot keeps its tokens and becomes idle.
  void Release(int slot);
  /// The slot's sequence was cut to its first `keep` tokens (keep = 0: emptied).
  void Truncate(int slot, size_t keep);

  /// The next way to free KV cells, cheapest first: an idle slot's tokens beyond the prefix it
  /// shares with another slot (least recently used first), then whole idle slots. Empty when no
  /// idle slot holds anything.
  std::optional<Eviction> NextEviction() const;

 private:
  struct Slot {
    bool busy = false;
    std::vector<Token> cached;
    std::vector<Token> target;
    uint64_t last_used = 0;
  };

  size_t Index(int slot) const { return static_cast<size_t>(slot); }
  int PickDestination(std::span<const Token> prompt, int source) const;
  size_t LongestSharedWithOthers(int slot) const;

  std::vector<Slot> slots_;
  size_t min_wait_gain_;
  uint64_t clock_ = 0;
};

}  // namespace afbench::llama

#include "slot_table.h"

#include <algorithm>

namespace afbench::llama {

size_t CommonPrefix(std::span<const Token> a, std::span<const Token> b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

SlotTable::SlotTable(int slots, size_t min_wait_gain)
    : slots_(static_cast<size_t>(std::max(slots, 1))), min_wait_gain_(min_wait_gain) {}

int SlotTable::IdleCount() const {
  return static_cast<int>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& slot) { return !slot.busy; }));
}

PlanResult SlotTable::Plan(std::span<const Token> prompt) const {
  PlanResult result;
  if (prompt.empty() || IdleCount() == 0) return result;
  // The best source: the longest match (on a tie, the first idle slot: it may be used in place).
  int source = -1;
  size_t best = 0;
  for (int s = 0; s < size(); ++s) {
    const Slot& slot = slots_[Index(s)];
    const size_t match = CommonPrefix(prompt, slot.cached);
    const bool better_tie =
        match == best && source >= 0 && slots_[Index(source)].busy && !slot.busy;
    if (match > 0 && (match > best || better_tie)) {
      source = s;
      best = match;
    }
  }
  // A busy slot still evaluating a prompt that shares more: its prefix will soon be in the cache.
  for (int s = 0; s < size(); ++s) {
    const Slot& slot = slots_[Index(s)];
    if (!slot.busy || slot.cached.size() >= slot.target.size()) continue;
    const size_t pending = std::min(CommonPrefix(prompt, slot.target), prompt.size() - 1);
    if (pending >= best + min_wait_gain_) {
      result.wait_for = s;
      return result;
    }
  }
  Admission admission;
  admission.slot = PickDestination(prompt, source);
  // A destination that matches as well as the source keeps its own tokens (no copy).
  admission.source =
      CommonPrefix(prompt, slots_[Index(admission.slot)].cached) == best ? admission.slot : source;
  admission.reuse = std::min(best, prompt.size() - 1);
  if (admission.reuse == 0) admission.source = -1;
  result.admission = admission;
  return result;
}

int SlotTable::PickDestination(std::span<const Token> prompt, int source) const {
  // A slot whose tokens are all a prefix of the prompt loses nothing: the source itself when the
  // prompt extends it (the next turn of a Sample), else one that is empty or holds only shared
  // tokens. Otherwise the least recently used idle slot: its tokens are the least likely to be
  // asked for again, while a Sample between two turns released its slot moments ago.
  if (source >= 0 && !slots_[Index(source)].busy &&
      CommonPrefix(prompt, slots_[Index(source)].cached) == slots_[Index(source)].cached.size()) {
    return source;
  }
  int free = -1;
  int oldest = -1;
  for (int s = 0; s < size(); ++s) {
    const Slot& slot = slots_[Index(s)];
    if (slot.busy) continue;
    if (free < 0 && CommonPrefix(prompt, slot.cached) == slot.cached.size()) free = s;
    if (oldest < 0 || slot.last_used < slots_[Index(oldest)].last_used) oldest = s;
  }
  return free >= 0 ? free : oldest;
}

void SlotTable::Admit(const Admission& admission, std::span<const Token> prompt) {
  Slot& slot = slots_[Index(admission.slot)];
  const size_t reuse = admission.source >= 0 ? admission.reuse : 0;
  slot.busy = true;
  slot.cached.assign(prompt.begin(), prompt.begin() + static_cast<std::ptrdiff_t>(reuse));
  slot.target.assign(prompt.begin(), prompt.end());
  slot.last_used = ++clock_;
}

void SlotTable::Append(int slot, std::span<const Token> tokens) {
  std::vector<Token>& cached = slots_[Index(slot)].cached;
  cached.insert(cached.end(), tokens.begin(), tokens.end());
}

size_t SlotTable::PromptRemaining(int slot) const {
  const Slot& s = slots_[Index(slot)];
  return s.target.size() > s.cached.size() ? s.target.size() - s.cached.size() : 0;
}

void SlotTable::Release(int slot) {
  Slot& s = slots_[Index(slot)];
  s.busy = false;
  s.target.clear();
  s.last_used = ++clock_;
}

void SlotTable::Truncate(int slot, size_t keep) {
  Slot& s = slots_[Index(slot)];
  if (keep < s.cached.size()) s.cached.resize(keep);
  if (keep < s.target.size() && !s.busy) s.target.clear();
}

size_t SlotTable::LongestSharedWithOthers(int slot) const {
  size_t shared = 0;
  for (int other = 0; other < size(); ++other) {
    if (other == slot) continue;
    shared =
        std::max(shared, CommonPrefix(slots_[Index(slot)].cached, slots_[Index(other)].cached));
  }
  return shared;
}

std::optional<Eviction> SlotTable::NextEviction() const {
  std::vector<int> idle;
  for (int s = 0; s < size(); ++s) {
    if (!slots_[Index(s)].busy && !slots_[Index(s)].cached.empty()) idle.push_back(s);
  }
  std::sort(idle.begin(), idle.end(), [this](int a, int b) {
    return slots_[Index(a)].last_used < slots_[Index(b)].last_used;
  });
  // First the tokens only this slot holds: dropping them costs nothing another slot cannot give.
  for (int s : idle) {
    const size_t shared = LongestSharedWithOthers(s);
    if (slots_[Index(s)].cached.size() > shared) return Eviction{s, shared};
  }
  if (idle.empty()) return std::nullopt;
  return Eviction{idle.front(), 0};
}

}  // namespace afbench::llama

#include "token_memo.h"

#include <utility>

namespace afbench::llama {

void TokenMemo::Remember(std::string text, std::vector<Token> tokens) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->text == text) {
      entries_.erase(it);
      break;
    }
  }
  entries_.push_front(Entry{std::move(text), std::move(tokens)});
  while (entries_.size() > capacity_) entries_.pop_back();
}

std::optional<std::vector<Token>> TokenMemo::Find(std::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    // Lengths first: most entries differ in length, and comparing them costs nothing.
    if (it->text.size() != text.size() || it->text != text) continue;
    entries_.splice(entries_.begin(), entries_, it);
    return entries_.front().tokens;
  }
  return std::nullopt;
}

size_t TokenMemo::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace afbench::llama

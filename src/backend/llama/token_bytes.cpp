#include "token_bytes.h"

namespace afbench::llama {

void AppendTokenBytes(const llama_vocab* vocab, Token token, std::string& text) {
  char buffer[256];
  int32_t n = llama_token_to_piece(vocab, token, buffer, sizeof(buffer), 0, false);
  if (n >= 0) {
    text.append(buffer, static_cast<size_t>(n));
    return;
  }
  std::string large(static_cast<size_t>(-n), '\0');
  n = llama_token_to_piece(vocab, token, large.data(), -n, 0, false);
  if (n > 0) text.append(large.data(), static_cast<size_t>(n));
}

}  // namespace afbench::llama

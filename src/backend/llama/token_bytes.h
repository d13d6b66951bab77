// The bytes of a generated token. Private to src/backend/llama; thread-safe.
#pragma once

#include <llama.h>

#include <string>

#include "slot_table.h"

namespace afbench::llama {

/// Appends the bytes of `token` exactly as the vocabulary spells them (control tokens add
/// nothing). A multi-byte character may be split across tokens, and a model may emit bytes that
/// never form valid UTF-8: the text is bytes, kept and stored as they are, never validated here.
void AppendTokenBytes(const llama_vocab* vocab, Token token, std::string& text);

}  // namespace afbench::llama

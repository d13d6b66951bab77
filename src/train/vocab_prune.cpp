#include "vocab_prune.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace afbench::train {
namespace {

// llama_token_type values (llama.h): 3 = control, 6 = byte.
constexpr int32_t kTokenTypeControl = 3;
constexpr int32_t kTokenTypeByte = 6;

int64_t KeyId(const gguf_context* ctx, const char* key) { return gguf_find_key(ctx, key); }

std::string TokenText(const gguf_context* vocab, size_t id) {
  return gguf_get_arr_str(vocab, KeyId(vocab, "tokenizer.ggml.tokens"), id);
}

// Byte-level BPE vocabularies spell a single byte as one code point of up to two UTF-8 bytes.
bool IsSingleCodePoint(const std::string& text) {
  if (text.empty()) return false;
  const auto lead = static_cast<unsigned char>(text[0]);
  const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return text.size() == length;
}

}  // namespace

std::vector<int32_t> KeptTokens(const gguf_context* vocab, const std::vector<int32_t>& used) {
  const int64_t tokens_key = KeyId(vocab, "tokenizer.ggml.tokens");
  const auto n_vocab = static_cast<int32_t>(gguf_get_arr_n(vocab, tokens_key));
  const int64_t types_key = KeyId(vocab, "tokenizer.ggml.token_type");
  const auto* types =
      types_key >= 0 ? static_cast<const int32_t*>(gguf_get_arr_data(vocab, types_key)) : nullptr;
  // Every intermediate of a BPE merge sequence is a substring of the final token it ends in.
  std::unordered_set<std::string> pieces;
  for (int32_t id : std::unordered_set<int32_t>(used.begin(), used.end())) {
    const std::string text = TokenText(vocab, static_cast<size_t>(id));
    for (size_t begin = 0; begin < text.size(); ++begin) {
      for (size_t length = 1; begin + length <= text.size(); ++length) {
        pieces.insert(text.substr(begin, length));
      }
    }
  }
  std::vector<int32_t> kept;
  for (int32_t id = 0; id < n_vocab; ++id) {
    const std::string text = TokenText(vocab, static_cast<size_t>(id));
    const int32_t type = types != nullptr ? types[id] : 1;
    if (type == kTokenTypeControl || type == kTokenTypeByte || IsSingleCodePoint(text) ||
        pieces.contains(text)) {
      kept.push_back(id);
    }
  }
  return kept;
}

namespace {

void CopyTokenArrays(gguf_context* out, const gguf_context* vocab,
                     const std::vector<int32_t>& kept) {
  std::vector<std::string> texts;
  std::vector<int32_t> types;
  const int64_t types_key = KeyId(vocab, "tokenizer.ggml.token_type");
  const auto* all_types =
      types_key >= 0 ? static_cast<const int32_t*>(gguf_get_arr_data(vocab, types_key)) : nullptr;
  std::unordered_set<std::string> kept_texts;
  for (int32_t id : kept) {
    texts.push_back(TokenText(vocab, static_cast<size_t>(id)));
    kept_texts.insert(texts.back());
    if (all_types != nullptr) types.push_back(all_types[id]);
  }
  std::vector<const char*> pointers;
  for (const std::string& text : texts) pointers.push_back(text.c_str());
  gguf_set_arr_str(out, "tokenizer.ggml.tokens", pointers.data(), pointers.size());
  if (all_types != nullptr) {
    gguf_set_arr_data(out, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, types.data(),
                      types.size());
  }
  const int64_t merges_key = KeyId(vocab, "tokenizer.ggml.merges");
  if (merges_key < 0) return;
  std::vector<std::string> merges;
  for (size_t i = 0; i < gguf_get_arr_n(vocab, merges_key); ++i) {
    const std::string merge = gguf_get_arr_str(vocab, merges_key, i);
    const size_t space = merge.find(' ', 1);
    if (space == std::string::npos) continue;
    const std::string left = merge.substr(0, space);
    const std::string right = merge.substr(space + 1);
    if (kept_texts.contains(left) && kept_texts.contains(right) &&
        kept_texts.contains(left + right)) {
      merges.push_back(merge);
    }
  }
  pointers.clear();
  for (const std::string& merge : merges) pointers.push_back(merge.c_str());
  gguf_set_arr_str(out, "tokenizer.ggml.merges", pointers.data(), pointers.size());
}

}  // namespace

Result<int64_t> CopyPrunedTokenizer(gguf_context* out, const gguf_context* vocab,
                                    const std::vector<int32_t>& kept) {
  std::unordered_map<int32_t, int32_t> renumber;
  for (size_t i = 0; i < kept.size(); ++i) renumber[kept[i]] = static_cast<int32_t>(i);
  for (int64_t i = 0; i < gguf_get_n_kv(vocab); ++i) {
    const std::string key = gguf_get_key(vocab, i);
    if (!key.starts_with("tokenizer.") || key == "tokenizer.chat_template") continue;
    if (key == "tokenizer.ggml.tokens" || key == "tokenizer.ggml.token_type" ||
        key == "tokenizer.ggml.merges" || key == "tokenizer.ggml.scores") {
      continue;
    }
    const gguf_type type = gguf_get_kv_type(vocab, i);
    if (key.ends_with("_token_id") && type == GGUF_TYPE_UINT32) {
      const auto id = static_cast<int32_t>(gguf_get_val_u32(vocab, i));
      auto found = renumber.find(id);
      if (found == renumber.end()) {
        return Fail(ErrorKind::kInternal, "start-model: " + key + " " + std::to_string(id) +
                                              " is not among the kept tokens");
      }
      gguf_set_val_u32(out, key.c_str(), static_cast<uint32_t>(found->second));
      continue;
    }
    if (type == GGUF_TYPE_STRING) gguf_set_val_str(out, key.c_str(), gguf_get_val_str(vocab, i));
    if (type == GGUF_TYPE_BOOL) gguf_set_val_bool(out, key.c_str(), gguf_get_val_bool(vocab, i));
    if (type == GGUF_TYPE_UINT32) gguf_set_val_u32(out, key.c_str(), gguf_get_val_u32(vocab, i));
    if (type == GGUF_TYPE_INT32) gguf_set_val_i32(out, key.c_str(), gguf_get_val_i32(vocab, i));
  }
  CopyTokenArrays(out, vocab, kept);
  return static_cast<int64_t>(kept.size());
}

}  // namespace afbench::train

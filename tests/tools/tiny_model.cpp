#include "tiny_model.h"

#include <gguf.h>

#include <string>
#include <system_error>
#include <vector>

#include "afbench/gguf_writer.h"

namespace afbench::tiny {
namespace {

Unexpected Invalid(const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "tiny-model: " + what);
}

// F16 by default, the head tied to token_embd (the header says why).
gguf::RandomLlamaSpec Spec(const TinyModelOptions& o) {
  return {.n_layer = o.n_layer,
          .n_embd = o.n_embd,
          .n_head = o.n_head,
          .n_head_kv = o.n_head_kv,
          .n_ff = o.n_ff,
          .n_ctx = o.n_ctx,
          .seed = o.seed,
          .f16 = o.f16,
          .tied_output = true,
          .name = "afbench-tiny-seed" + std::to_string(o.seed),
          .chat_template = o.chat_template};
}

Result<gguf::GgufPtr> LoadVocab(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(ErrorKind::kNotFound, "tiny-model: " + path.string() + ": no such vocab file");
  }
  gguf::GgufPtr vocab(gguf_init_from_file(path.c_str(), {.no_alloc = true, .ctx = nullptr}));
  if (!vocab) return Invalid(path.string() + ": not a readable GGUF file");
  if (gguf_find_key(vocab.get(), "tokenizer.ggml.tokens") < 0) {
    return Invalid(path.string() + ": no tokenizer.ggml.tokens (not a ggml-vocab file?)");
  }
  return vocab;
}

// Copies every tokenizer.* key except the chat template (the spec's replaces it).
void CopyTokenizer(gguf_context* out, const gguf_context* vocab) {
  gguf_set_kv(out, vocab);
  std::vector<std::string> foreign;
  for (int64_t i = 0; i < gguf_get_n_kv(out); ++i) {
    const std::string key = gguf_get_key(out, i);
    if (!key.starts_with("tokenizer.") || key == "tokenizer.chat_template") foreign.push_back(key);
  }
  for (const std::string& key : foreign) gguf_remove_key(out, key.c_str());
}

}  // namespace

std::string_view ChatMlTemplate() { return gguf::ChatMlTemplate(); }

Status WriteTinyModel(const TinyModelOptions& options) {
  if (Status shape = gguf::CheckShape(Spec(options)); !shape) {
    return Invalid(shape.error().message);
  }
  if (options.out_path.empty()) return Invalid("--out: missing output path");
  Result<gguf::GgufPtr> vocab = LoadVocab(options.vocab_path);
  if (!vocab) return Fail(vocab.error());
  gguf::GgufPtr out(gguf_init_empty());
  CopyTokenizer(out.get(), vocab->get());
  Result<int64_t> written =
      gguf::WriteRandomLlama(out.get(), Spec(options), options.out_path, "tiny-model");
  if (!written) return Fail(written.error());
  return {};
}

}  // namespace afbench::tiny

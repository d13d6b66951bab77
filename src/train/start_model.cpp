#include "start_model.h"

#include <gguf.h>

#include <numeric>

#include "afbench/gguf_writer.h"
#include "afbench/llamacpp.h"
#include "vocab_prune.h"

namespace afbench::train {
namespace {

Unexpected Invalid(const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "start-model: " + what);
}

// All F32 with an untied head (the header says why); the KV heads are the heads.
gguf::RandomLlamaSpec Spec(const StartModelOptions& o) {
  return {.n_layer = o.n_layer,
          .n_embd = o.n_embd,
          .n_head = o.n_head,
          .n_head_kv = o.n_head,
          .n_ff = o.n_ff,
          .n_ctx = o.n_ctx,
          .seed = o.seed,
          .f16 = false,
          .tied_output = false,
          .name = o.name,
          .chat_template = o.chat_template};
}

Result<std::vector<std::vector<llama_token>>> TokenizeAll(const std::filesystem::path& path,
                                                          const std::vector<std::string>& corpus) {
  auto model = llamacpp::LoadModel(path, {.vocab_only = true}, "start-model");
  if (!model) return Fail(model.error());
  std::vector<std::vector<llama_token>> out;
  for (const std::string& text : corpus) {
    auto tokens = llamacpp::Tokenize(llama_model_get_vocab(model->get()), text, /*add_bos=*/false,
                                     /*parse_special=*/true);
    if (!tokens) return Fail(tokens.error());
    out.push_back(std::move(*tokens));
  }
  return out;
}

Status VerifyTokenization(const StartModelOptions& o, const std::vector<int32_t>& kept,
                          const std::vector<std::vector<llama_token>>& before) {
  auto after = TokenizeAll(o.out_path, o.corpus);
  if (!after) return Fail(after.error());
  for (size_t i = 0; i < before.size(); ++i) {
    bool same = before[i].size() == (*after)[i].size();
    for (size_t j = 0; same && j < before[i].size(); ++j) {
      same = kept[static_cast<size_t>((*after)[i][j])] == before[i][j];
    }
    if (!same) {
      return Fail(ErrorKind::kInternal, "start-model: " + o.out_path.string() + ": corpus text " +
                                            std::to_string(i) +
                                            " tokenizes differently after pruning");
    }
  }
  return {};
}

}  // namespace

std::string ChatMlTemplate() { return std::string(gguf::ChatMlTemplate()); }

Result<StartModelInfo> WriteStartModel(const StartModelOptions& o) {
  if (Status shape = gguf::CheckShape(Spec(o)); !shape) return Invalid(shape.error().message);
  if (o.name.find("phi3") != std::string::npos) return Invalid("name must not contain phi3");
  gguf::GgufPtr vocab(
      gguf_init_from_file(o.vocab_path.c_str(), {.no_alloc = true, .ctx = nullptr}));
  if (!vocab || gguf_find_key(vocab.get(), "tokenizer.ggml.tokens") < 0) {
    return Fail(ErrorKind::kNotFound, "start-model: " + o.vocab_path.string() + ": no vocab");
  }
  StartModelInfo info;
  info.n_vocab_source = static_cast<int64_t>(
      gguf_get_arr_n(vocab.get(), gguf_find_key(vocab.get(), "tokenizer.ggml.tokens")));
  auto before = TokenizeAll(o.vocab_path, o.corpus);
  if (!before) return Fail(before.error());
  std::vector<int32_t> kept(static_cast<size_t>(info.n_vocab_source));
  std::iota(kept.begin(), kept.end(), 0);
  if (!o.corpus.empty()) {
    std::vector<int32_t> used;
    for (const auto& tokens : *before) used.insert(used.end(), tokens.begin(), tokens.end());
    kept = KeptTokens(vocab.get(), used);
  }
  gguf::GgufPtr out(gguf_init_empty());
  auto n_vocab = CopyPrunedTokenizer(out.get(), vocab.get(), kept);
  if (!n_vocab) return Fail(n_vocab.error());
  info.n_vocab = *n_vocab;
  auto n_params = gguf::WriteRandomLlama(out.get(), Spec(o), o.out_path, "start-model");
  if (!n_params) return Fail(n_params.error());
  info.n_params = *n_params;
  AFBENCH_RETURN_IF_ERROR(VerifyTokenization(o, kept, *before));
  return info;
}

}  // namespace afbench::train

namespace afbench::train {

Result<std::string> RenderChatMl(const Conversation& conversation) {
  return llamacpp::ApplyChatTemplate(std::string(gguf::ChatMlTemplate()), conversation,
                                     /*add_assistant=*/false);
}

}  // namespace afbench::train

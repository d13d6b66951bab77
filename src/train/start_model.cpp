#include "start_model.h"

#include <ggml.h>
#include <gguf.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <system_error>
#include <unordered_map>

#include "afbench/hash.h"
#include "llama_util.h"
#include "vocab_prune.h"

namespace afbench::train {
namespace {

// ChatML, written from the format's description: a role header, the content, an end marker.
constexpr std::string_view kChatMl =
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";
constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment

struct GgufFree {
  void operator()(gguf_context* ctx) const { gguf_free(ctx); }
};
struct GgmlFree {
  void operator()(ggml_context* ctx) const { ggml_free(ctx); }
};
using GgufPtr = std::unique_ptr<gguf_context, GgufFree>;
using GgmlPtr = std::unique_ptr<ggml_context, GgmlFree>;

struct TensorSpec {
  std::string name;
  int64_t ne0 = 0;
  int64_t ne1 = 1;
  float scale = 1.0f;  // uniform in [-scale, scale); 0 marks a norm (all ones)
};

Unexpected Invalid(const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "start-model: " + what);
}

std::vector<TensorSpec> Specs(const StartModelOptions& o, int64_t n_vocab) {
  const auto linear = [](std::string name, int64_t n_in, int64_t n_out) {
    return TensorSpec{std::move(name), n_in, n_out, 1.0f / std::sqrt(static_cast<float>(n_in))};
  };
  // token_embd is never trained at this pin: unit-scale random rows keep the tokens apart.
  std::vector<TensorSpec> specs = {{"token_embd.weight", o.n_embd, n_vocab, 1.0f},
                                   {"output_norm.weight", o.n_embd, 1, 0.0f},
                                   linear("output.weight", o.n_embd, n_vocab)};
  for (int64_t i = 0; i < o.n_layer; ++i) {
    const std::string blk = "blk." + std::to_string(i) + ".";
    specs.push_back({blk + "attn_norm.weight", o.n_embd, 1, 0.0f});
    specs.push_back(linear(blk + "attn_q.weight", o.n_embd, o.n_embd));
    specs.push_back(linear(blk + "attn_k.weight", o.n_embd, o.n_embd));
    specs.push_back(linear(blk + "attn_v.weight", o.n_embd, o.n_embd));
    specs.push_back(linear(blk + "attn_output.weight", o.n_embd, o.n_embd));
    specs.push_back({blk + "ffn_norm.weight", o.n_embd, 1, 0.0f});
    specs.push_back(linear(blk + "ffn_gate.weight", o.n_embd, o.n_ff));
    specs.push_back(linear(blk + "ffn_down.weight", o.n_ff, o.n_embd));
    specs.push_back(linear(blk + "ffn_up.weight", o.n_embd, o.n_ff));
  }
  return specs;
}

void SetHyperparameters(gguf_context* out, const StartModelOptions& o, int64_t n_vocab) {
  const auto u32 = [out](const char* key, int64_t value) {
    gguf_set_val_u32(out, key, static_cast<uint32_t>(value));
  };
  gguf_set_val_str(out, "general.architecture", "llama");
  gguf_set_val_str(out, "general.name", o.name.c_str());
  gguf_set_val_u32(out, "general.file_type", 0U);  // all F32
  u32("llama.context_length", o.n_ctx);
  u32("llama.embedding_length", o.n_embd);
  u32("llama.block_count", o.n_layer);
  u32("llama.feed_forward_length", o.n_ff);
  u32("llama.attention.head_count", o.n_head);
  u32("llama.attention.head_count_kv", o.n_head);
  u32("llama.rope.dimension_count", o.n_embd / o.n_head);
  u32("llama.vocab_size", n_vocab);
  gguf_set_val_f32(out, "llama.rope.freq_base", 10000.0f);
  gguf_set_val_f32(out, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
  const std::string tmpl = o.chat_template.empty() ? std::string(kChatMl) : o.chat_template;
  gguf_set_val_str(out, "tokenizer.chat_template", tmpl.c_str());
}

int64_t AddTensors(ggml_context* ctx, gguf_context* out, const std::vector<TensorSpec>& specs,
                   uint64_t seed) {
  int64_t n_params = 0;
  for (size_t t = 0; t < specs.size(); ++t) {
    const TensorSpec& spec = specs[t];
    ggml_tensor* tensor = spec.ne1 == 1
                              ? ggml_new_tensor_1d(ctx, GGML_TYPE_F32, spec.ne0)
                              : ggml_new_tensor_2d(ctx, GGML_TYPE_F32, spec.ne0, spec.ne1);
    ggml_set_name(tensor, spec.name.c_str());
    auto* data = static_cast<float*>(tensor->data);
    const uint64_t stream = MixSeed(seed, t);
    const int64_t n = spec.ne0 * spec.ne1;
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t bits = SplitMix64(stream + static_cast<uint64_t>(i) * kGoldenGamma) >> 40;
      const float unit = static_cast<float>(bits) / static_cast<float>(1U << 24);
      data[i] = spec.scale == 0.0f ? 1.0f : (2.0f * unit - 1.0f) * spec.scale;
    }
    gguf_add_tensor(out, tensor);
    n_params += n;
  }
  return n_params;
}

Result<std::vector<std::vector<llama_token>>> TokenizeAll(const std::filesystem::path& path,
                                                          const std::vector<std::string>& corpus) {
  Result<ModelPtr> model = LoadModel(path, /*vocab_only=*/true);
  if (!model) return Fail(model.error());
  std::vector<std::vector<llama_token>> out;
  for (const std::string& text : corpus) {
    auto tokens = Tokenize(llama_model_get_vocab(model->get()), text);
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

Status WriteGguf(const gguf_context* out, const std::filesystem::path& path) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  const std::filesystem::path partial = path.string() + ".partial";
  if (!gguf_write_to_file(out, partial.c_str(), /*only_meta=*/false)) {
    return Fail(ErrorKind::kIo, "start-model: " + partial.string() + ": cannot write");
  }
  std::filesystem::rename(partial, path, error);
  if (error) return Fail(ErrorKind::kIo, "start-model: " + path.string() + ": " + error.message());
  return {};
}

}  // namespace

std::string ChatMlTemplate() { return std::string(kChatMl); }

Result<StartModelInfo> WriteStartModel(const StartModelOptions& o) {
  if (o.n_embd % o.n_head != 0 || (o.n_embd / o.n_head) % 2 != 0 || o.n_layer < 1) {
    return Invalid("shape: embd must be an even multiple of heads, layers positive");
  }
  if (o.name.find("phi3") != std::string::npos) return Invalid("name must not contain phi3");
  GgufPtr vocab(gguf_init_from_file(o.vocab_path.c_str(), {.no_alloc = true, .ctx = nullptr}));
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
  GgufPtr out(gguf_init_empty());
  auto n_vocab = CopyPrunedTokenizer(out.get(), vocab.get(), kept);
  if (!n_vocab) return Fail(n_vocab.error());
  info.n_vocab = *n_vocab;
  SetHyperparameters(out.get(), o, info.n_vocab);
  const std::vector<TensorSpec> specs = Specs(o, info.n_vocab);
  size_t bytes = 0;
  for (const TensorSpec& s : specs) bytes += static_cast<size_t>(s.ne0 * s.ne1) * 4 + 64;
  GgmlPtr ctx(ggml_init({.mem_size = bytes + ggml_tensor_overhead() * specs.size(),
                         .mem_buffer = nullptr,
                         .no_alloc = false}));
  if (!ctx) return Fail(ErrorKind::kInternal, "start-model: ggml_init failed (out of memory?)");
  info.n_params = AddTensors(ctx.get(), out.get(), specs, o.seed);
  AFBENCH_RETURN_IF_ERROR(WriteGguf(out.get(), o.out_path));
  AFBENCH_RETURN_IF_ERROR(VerifyTokenization(o, kept, *before));
  return info;
}

}  // namespace afbench::train

namespace afbench::train {

Result<std::string> RenderChatMl(const Conversation& conversation) {
  return RenderChat(std::string(kChatMl), conversation, /*add_assistant=*/false);
}

}  // namespace afbench::train

#include "tiny_model.h"

#include <ggml.h>
#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "afbench/hash.h"

namespace afbench::tiny {
namespace {

// ChatML, the format of Qwen and many fine-tunes: a role header, the content, an end marker. The
// generation prompt opens an assistant turn. Written from the format's description, not copied.
constexpr std::string_view kChatMl =
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment
constexpr float kRmsNormEps = 1e-5f;
constexpr float kRopeFreqBase = 10000.0f;

struct GgufFree {
  void operator()(gguf_context* ctx) const { gguf_free(ctx); }
};
struct GgmlFree {
  void operator()(ggml_context* ctx) const { ggml_free(ctx); }
};
using GgufPtr = std::unique_ptr<gguf_context, GgufFree>;
using GgmlPtr = std::unique_ptr<ggml_context, GgmlFree>;

// One weight tensor: its GGUF name, shape in ggml order (ne0 = input width) and init scale.
struct TensorSpec {
  std::string name;
  int64_t ne0 = 0;
  int64_t ne1 = 1;
  float scale = 1.0f;    // uniform in [-scale, scale)
  bool is_norm = false;  // a 1-D RMS-norm weight, set to 1
};

Unexpected Invalid(const std::string& what) {
  return Fail(ErrorKind::kInvalidInput, "tiny-model: " + what);
}

Status Validate(const TinyModelOptions& o) {
  if (o.n_layer < 1 || o.n_embd < 1 || o.n_head < 1 || o.n_head_kv < 1 || o.n_ff < 1 ||
      o.n_ctx < 1) {
    return Invalid("shape: layers, embd, heads, heads-kv, ff and ctx must be positive");
  }
  if (o.n_embd % o.n_head != 0 || (o.n_embd / o.n_head) % 2 != 0) {
    return Invalid("shape: embd " + std::to_string(o.n_embd) + " must be an even multiple of " +
                   std::to_string(o.n_head) + " heads (RoPE rotates pairs)");
  }
  if (o.n_head % o.n_head_kv != 0) {
    return Invalid("shape: heads " + std::to_string(o.n_head) + " must be a multiple of heads-kv " +
                   std::to_string(o.n_head_kv));
  }
  if (o.out_path.empty()) return Invalid("--out: missing output path");
  return {};
}

Result<GgufPtr> LoadVocab(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(ErrorKind::kNotFound, "tiny-model: " + path.string() + ": no such vocab file");
  }
  GgufPtr vocab(gguf_init_from_file(path.c_str(), {.no_alloc = true, .ctx = nullptr}));
  if (!vocab) return Invalid(path.string() + ": not a readable GGUF file");
  if (gguf_find_key(vocab.get(), "tokenizer.ggml.tokens") < 0) {
    return Invalid(path.string() + ": no tokenizer.ggml.tokens (not a ggml-vocab file?)");
  }
  return vocab;
}

// Copies every tokenizer.* key except the chat template (ours replaces it); returns the number
// of tokens.
int64_t CopyTokenizer(gguf_context* out, const gguf_context* vocab) {
  gguf_set_kv(out, vocab);
  std::vector<std::string> foreign;
  for (int64_t i = 0; i < gguf_get_n_kv(out); ++i) {
    const std::string key = gguf_get_key(out, i);
    if (!key.starts_with("tokenizer.") || key == "tokenizer.chat_template") foreign.push_back(key);
  }
  for (const std::string& key : foreign) gguf_remove_key(out, key.c_str());
  return static_cast<int64_t>(gguf_get_arr_n(out, gguf_find_key(out, "tokenizer.ggml.tokens")));
}

void SetU32(gguf_context* out, const char* key, int64_t value) {
  gguf_set_val_u32(out, key, static_cast<uint32_t>(value));
}

void SetHyperparameters(gguf_context* out, const TinyModelOptions& o, int64_t n_vocab) {
  gguf_set_val_str(out, "general.architecture", "llama");
  gguf_set_val_str(out, "general.name", ("afbench-tiny-seed" + std::to_string(o.seed)).c_str());
  // llama_ftype: 0 = all F32, 1 = mostly F16.
  gguf_set_val_u32(out, "general.file_type", o.f16 ? 1U : 0U);
  SetU32(out, "llama.context_length", o.n_ctx);
  SetU32(out, "llama.embedding_length", o.n_embd);
  SetU32(out, "llama.block_count", o.n_layer);
  SetU32(out, "llama.feed_forward_length", o.n_ff);
  SetU32(out, "llama.attention.head_count", o.n_head);
  SetU32(out, "llama.attention.head_count_kv", o.n_head_kv);
  SetU32(out, "llama.rope.dimension_count", o.n_embd / o.n_head);
  SetU32(out, "llama.vocab_size", n_vocab);
  gguf_set_val_f32(out, "llama.rope.freq_base", kRopeFreqBase);
  gguf_set_val_f32(out, "llama.attention.layer_norm_rms_epsilon", kRmsNormEps);
  const std::string chat_template =
      o.chat_template.empty() ? std::string(kChatMl) : o.chat_template;
  gguf_set_val_str(out, "tokenizer.chat_template", chat_template.c_str());
}

TensorSpec Norm(std::string name, int64_t n) { return {std::move(name), n, 1, 1.0f, true}; }

// Scaled by 1/sqrt(fan-in) to keep activations of order one through the layers.
TensorSpec Linear(std::string name, int64_t n_in, int64_t n_out) {
  return {std::move(name), n_in, n_out, 1.0f / std::sqrt(static_cast<float>(n_in)), false};
}

// The llama architecture's tensors (llama.cpp src/models/llama.cpp), without output.weight so that
// the head is tied to token_embd.
std::vector<TensorSpec> TensorSpecs(const TinyModelOptions& o, int64_t n_vocab) {
  const int64_t n_embd_kv = o.n_embd / o.n_head * o.n_head_kv;
  std::vector<TensorSpec> specs = {{"token_embd.weight", o.n_embd, n_vocab, 1.0f, false},
                                   Norm("output_norm.weight", o.n_embd)};
  for (int64_t i = 0; i < o.n_layer; ++i) {
    const std::string blk = "blk." + std::to_string(i) + ".";
    specs.push_back(Norm(blk + "attn_norm.weight", o.n_embd));
    specs.push_back(Linear(blk + "attn_q.weight", o.n_embd, o.n_embd));
    specs.push_back(Linear(blk + "attn_k.weight", o.n_embd, n_embd_kv));
    specs.push_back(Linear(blk + "attn_v.weight", o.n_embd, n_embd_kv));
    specs.push_back(Linear(blk + "attn_output.weight", o.n_embd, o.n_embd));
    specs.push_back(Norm(blk + "ffn_norm.weight", o.n_embd));
    specs.push_back(Linear(blk + "ffn_gate.weight", o.n_embd, o.n_ff));
    specs.push_back(Linear(blk + "ffn_down.weight", o.n_ff, o.n_embd));
    specs.push_back(Linear(blk + "ffn_up.weight", o.n_embd, o.n_ff));
  }
  return specs;
}

// Norm weights are 1 (the identity); everything else is uniform in [-scale, scale), drawn from
// the SplitMix64 stream seeded by (seed, tensor index) so that tensors do not share values.
void FillValues(const TensorSpec& spec, uint64_t stream_seed, std::vector<float>& values) {
  values.resize(static_cast<size_t>(spec.ne0 * spec.ne1));
  for (size_t i = 0; i < values.size(); ++i) {
    if (spec.is_norm) {
      values[i] = 1.0f;
      continue;
    }
    const uint64_t bits = SplitMix64(stream_seed + i * kGoldenGamma) >> 40;  // 24 random bits
    const float unit = static_cast<float>(bits) / static_cast<float>(1U << 24);
    values[i] = (2.0f * unit - 1.0f) * spec.scale;
  }
}

size_t ContextBytes(const std::vector<TensorSpec>& specs) {
  size_t bytes = ggml_tensor_overhead() * specs.size();
  for (const TensorSpec& spec : specs) {
    bytes += static_cast<size_t>(spec.ne0 * spec.ne1) * sizeof(float) + GGML_MEM_ALIGN;
  }
  return bytes;
}

void AddTensors(ggml_context* ctx, gguf_context* out, const std::vector<TensorSpec>& specs,
                const TinyModelOptions& o) {
  std::vector<float> values;
  for (size_t i = 0; i < specs.size(); ++i) {
    const TensorSpec& spec = specs[i];
    const ggml_type type = o.f16 && !spec.is_norm ? GGML_TYPE_F16 : GGML_TYPE_F32;
    ggml_tensor* tensor = spec.is_norm ? ggml_new_tensor_1d(ctx, type, spec.ne0)
                                       : ggml_new_tensor_2d(ctx, type, spec.ne0, spec.ne1);
    ggml_set_name(tensor, spec.name.c_str());
    FillValues(spec, MixSeed(o.seed, i), values);
    if (type == GGML_TYPE_F16) {
      ggml_fp32_to_fp16_row(values.data(), static_cast<ggml_fp16_t*>(tensor->data),
                            static_cast<int64_t>(values.size()));
    } else {
      std::copy(values.begin(), values.end(), static_cast<float*>(tensor->data));
    }
    gguf_add_tensor(out, tensor);
  }
}

// Writes beside the target and renames, so that an interrupted build never leaves a truncated
// model where a later step would load it.
Status WriteFile(const gguf_context* out, const std::filesystem::path& path) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  const std::filesystem::path partial = path.string() + ".partial";
  if (!gguf_write_to_file(out, partial.c_str(), /*only_meta=*/false)) {
    return Fail(ErrorKind::kIo, "tiny-model: " + partial.string() + ": cannot write");
  }
  std::filesystem::rename(partial, path, error);
  if (error) {
    return Fail(ErrorKind::kIo, "tiny-model: " + path.string() + ": rename: " + error.message());
  }
  return {};
}

}  // namespace

std::string_view ChatMlTemplate() { return kChatMl; }

Status WriteTinyModel(const TinyModelOptions& options) {
  AFBENCH_RETURN_IF_ERROR(Validate(options));
  Result<GgufPtr> vocab = LoadVocab(options.vocab_path);
  if (!vocab) return Fail(vocab.error());
  GgufPtr out(gguf_init_empty());
  const int64_t n_vocab = CopyTokenizer(out.get(), vocab->get());
  SetHyperparameters(out.get(), options, n_vocab);
  const std::vector<TensorSpec> specs = TensorSpecs(options, n_vocab);
  GgmlPtr ctx(
      ggml_init({.mem_size = ContextBytes(specs), .mem_buffer = nullptr, .no_alloc = false}));
  if (!ctx) return Fail(ErrorKind::kInternal, "tiny-model: ggml_init failed (out of memory?)");
  AddTensors(ctx.get(), out.get(), specs, options);
  return WriteFile(out.get(), options.out_path);
}

}  // namespace afbench::tiny

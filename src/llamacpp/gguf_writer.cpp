#include "afbench/gguf_writer.h"

#include <ggml.h>
#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <system_error>
#include <utility>
#include <vector>

#include "afbench/hash.h"

namespace afbench::gguf {
namespace {

constexpr std::string_view kChatMl =
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment
constexpr float kRmsNormEps = 1e-5f;
constexpr float kRopeFreqBase = 10000.0f;

// One weight tensor: its GGUF name, shape in ggml order (ne0 = input width) and init scale.
struct TensorSpec {
  std::string name;
  int64_t ne0 = 0;
  int64_t ne1 = 1;
  float scale = 1.0f;    // uniform in [-scale, scale)
  bool is_norm = false;  // a 1-D RMS-norm weight, set to 1
};

TensorSpec Norm(std::string name, int64_t n) { return {std::move(name), n, 1, 1.0f, true}; }

// Scaled by 1/sqrt(fan-in) to keep activations of order one through the layers.
TensorSpec Linear(std::string name, int64_t n_in, int64_t n_out) {
  return {std::move(name), n_in, n_out, 1.0f / std::sqrt(static_cast<float>(n_in)), false};
}

// The llama architecture's tensors (llama.cpp src/models/llama.cpp). The order fixes each
// tensor's random stream: it never changes.
std::vector<TensorSpec> TensorSpecs(const RandomLlamaSpec& s, int64_t n_vocab) {
  const int64_t n_embd_kv = s.n_embd / s.n_head * s.n_head_kv;
  // token_embd is never trained at this pin: unit-scale random rows keep the tokens apart.
  std::vector<TensorSpec> specs = {{"token_embd.weight", s.n_embd, n_vocab, 1.0f, false},
                                   Norm("output_norm.weight", s.n_embd)};
  if (!s.tied_output) specs.push_back(Linear("output.weight", s.n_embd, n_vocab));
  for (int64_t i = 0; i < s.n_layer; ++i) {
    const std::string blk = "blk." + std::to_string(i) + ".";
    specs.push_back(Norm(blk + "attn_norm.weight", s.n_embd));
    specs.push_back(Linear(blk + "attn_q.weight", s.n_embd, s.n_embd));
    specs.push_back(Linear(blk + "attn_k.weight", s.n_embd, n_embd_kv));
    specs.push_back(Linear(blk + "attn_v.weight", s.n_embd, n_embd_kv));
    specs.push_back(Linear(blk + "attn_output.weight", s.n_embd, s.n_embd));
    specs.push_back(Norm(blk + "ffn_norm.weight", s.n_embd));
    specs.push_back(Linear(blk + "ffn_gate.weight", s.n_embd, s.n_ff));
    specs.push_back(Linear(blk + "ffn_down.weight", s.n_ff, s.n_embd));
    specs.push_back(Linear(blk + "ffn_up.weight", s.n_embd, s.n_ff));
  }
  return specs;
}

void SetHyperparameters(gguf_context* out, const RandomLlamaSpec& s, int64_t n_vocab) {
  const auto u32 = [out](const char* key, int64_t value) {
    gguf_set_val_u32(out, key, static_cast<uint32_t>(value));
  };
  gguf_set_val_str(out, "general.architecture", "llama");
  gguf_set_val_str(out, "general.name", s.name.c_str());
  gguf_set_val_u32(out, "general.file_type", s.f16 ? 1U : 0U);  // llama_ftype: all F32, mostly F16
  u32("llama.context_length", s.n_ctx);
  u32("llama.embedding_length", s.n_embd);
  u32("llama.block_count", s.n_layer);
  u32("llama.feed_forward_length", s.n_ff);
  u32("llama.attention.head_count", s.n_head);
  u32("llama.attention.head_count_kv", s.n_head_kv);
  u32("llama.rope.dimension_count", s.n_embd / s.n_head);
  u32("llama.vocab_size", n_vocab);
  gguf_set_val_f32(out, "llama.rope.freq_base", kRopeFreqBase);
  gguf_set_val_f32(out, "llama.attention.layer_norm_rms_epsilon", kRmsNormEps);
  const std::string tmpl = s.chat_template.empty() ? std::string(kChatMl) : s.chat_template;
  gguf_set_val_str(out, "tokenizer.chat_template", tmpl.c_str());
}

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

int64_t AddTensors(ggml_context* ctx, gguf_context* out, const std::vector<TensorSpec>& specs,
                   const RandomLlamaSpec& s) {
  int64_t n_params = 0;
  std::vector<float> values;
  for (size_t i = 0; i < specs.size(); ++i) {
    const TensorSpec& spec = specs[i];
    const ggml_type type = s.f16 && !spec.is_norm ? GGML_TYPE_F16 : GGML_TYPE_F32;
    ggml_tensor* tensor = spec.is_norm ? ggml_new_tensor_1d(ctx, type, spec.ne0)
                                       : ggml_new_tensor_2d(ctx, type, spec.ne0, spec.ne1);
    ggml_set_name(tensor, spec.name.c_str());
    FillValues(spec, MixSeed(s.seed, i), values);
    if (type == GGML_TYPE_F16) {
      ggml_fp32_to_fp16_row(values.data(), static_cast<ggml_fp16_t*>(tensor->data),
                            static_cast<int64_t>(values.size()));
    } else {
      std::copy(values.begin(), values.end(), static_cast<float*>(tensor->data));
    }
    gguf_add_tensor(out, tensor);
    n_params += spec.ne0 * spec.ne1;
  }
  return n_params;
}

}  // namespace

Status WriteFile(const gguf_context* out, const std::filesystem::path& path, std::string_view who) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  const std::filesystem::path partial = path.string() + ".partial";
  if (!gguf_write_to_file(out, partial.c_str(), /*only_meta=*/false)) {
    return Fail(ErrorKind::kIo, std::string(who) + ": " + partial.string() + ": cannot write");
  }
  std::filesystem::rename(partial, path, error);
  if (error) {
    return Fail(ErrorKind::kIo,
                std::string(who) + ": " + path.string() + ": rename: " + error.message());
  }
  return {};
}

void GgufDeleter::operator()(gguf_context* context) const { gguf_free(context); }
void GgmlDeleter::operator()(ggml_context* context) const { ggml_free(context); }

std::string_view ChatMlTemplate() { return kChatMl; }

Status CheckShape(const RandomLlamaSpec& s) {
  const auto invalid = [](const std::string& what) {
    return Fail(ErrorKind::kInvalidInput, "shape: " + what);
  };
  if (s.n_layer < 1 || s.n_embd < 1 || s.n_head < 1 || s.n_head_kv < 1 || s.n_ff < 1 ||
      s.n_ctx < 1) {
    return invalid("layers, embd, heads, heads-kv, ff and ctx must be positive");
  }
  if (s.n_embd % s.n_head != 0 || (s.n_embd / s.n_head) % 2 != 0) {
    return invalid("embd " + std::to_string(s.n_embd) + " must be an even multiple of " +
                   std::to_string(s.n_head) + " heads (RoPE rotates pairs)");
  }
  if (s.n_head % s.n_head_kv != 0) {
    return invalid("heads " + std::to_string(s.n_head) + " must be a multiple of heads-kv " +
                   std::to_string(s.n_head_kv));
  }
  return {};
}

int64_t VocabSize(const gguf_context* tokenizer) {
  const int64_t key = gguf_find_key(tokenizer, "tokenizer.ggml.tokens");
  return key < 0 ? 0 : static_cast<int64_t>(gguf_get_arr_n(tokenizer, key));
}

Result<int64_t> WriteRandomLlama(gguf_context* out, const RandomLlamaSpec& spec,
                                 const std::filesystem::path& path, std::string_view who) {
  if (Status shape = CheckShape(spec); !shape) {
    return Fail(ErrorKind::kInvalidInput, std::string(who) + ": " + shape.error().message);
  }
  const int64_t n_vocab = VocabSize(out);
  SetHyperparameters(out, spec, n_vocab);
  const std::vector<TensorSpec> specs = TensorSpecs(spec, n_vocab);
  GgmlPtr ctx(
      ggml_init({.mem_size = ContextBytes(specs), .mem_buffer = nullptr, .no_alloc = false}));
  if (!ctx) {
    return Fail(ErrorKind::kInternal, std::string(who) + ": ggml_init failed (out of memory?)");
  }
  const int64_t n_params = AddTensors(ctx.get(), out, specs, spec);
  AFBENCH_RETURN_IF_ERROR(WriteFile(out, path, who));
  return n_params;
}

}  // namespace afbench::gguf

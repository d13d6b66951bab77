#include "gguf_meta.h"

#include <ggml.h>
#include <gguf.h>

#include "afbench/gguf_writer.h"

namespace afbench::train {

Status SetGgufStrings(const std::filesystem::path& in, const std::filesystem::path& out,
                      const std::map<std::string, std::string>& values) {
  ggml_context* raw_data = nullptr;
  gguf::GgufPtr gguf(gguf_init_from_file(in.c_str(), {.no_alloc = false, .ctx = &raw_data}));
  gguf::GgmlPtr data(raw_data);
  if (!gguf) return Fail(ErrorKind::kInvalidInput, "train: " + in.string() + ": not a GGUF file");
  // A fresh context whose tensors point at the loaded data: the loaded context's own tensor
  // records do not (gguf_write_to_file would read through an unset buffer).
  gguf::GgufPtr copy(gguf_init_empty());
  gguf_set_kv(copy.get(), gguf.get());
  for (int64_t i = 0; i < gguf_get_n_tensors(gguf.get()); ++i) {
    gguf_add_tensor(copy.get(), ggml_get_tensor(data.get(), gguf_get_tensor_name(gguf.get(), i)));
  }
  for (const auto& [key, value] : values) gguf_set_val_str(copy.get(), key.c_str(), value.c_str());
  return gguf::WriteFile(copy.get(), out, "train");
}

Result<std::map<std::string, std::string>> ReadGgufStrings(const std::filesystem::path& path,
                                                           const std::string& prefix) {
  gguf::GgufPtr gguf(gguf_init_from_file(path.c_str(), {.no_alloc = true, .ctx = nullptr}));
  if (!gguf) return Fail(ErrorKind::kInvalidInput, "train: " + path.string() + ": not a GGUF file");
  std::map<std::string, std::string> out;
  for (int64_t i = 0; i < gguf_get_n_kv(gguf.get()); ++i) {
    const std::string key = gguf_get_key(gguf.get(), i);
    if (key.starts_with(prefix) && gguf_get_kv_type(gguf.get(), i) == GGUF_TYPE_STRING) {
      out[key] = gguf_get_val_str(gguf.get(), i);
    }
  }
  return out;
}

}  // namespace afbench::train

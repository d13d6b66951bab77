// String metadata in GGUF files: how trained models carry their chat template and provenance.
//
// llama_model_save_to_file drops tokenizer.chat_template (issue 8), and organisms record their
// planted and measured rates as afbench.* keys. Rewriting a file loads it whole (models here are a
// few MB). Stateless; safe from several threads for different files.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "afbench/result.h"

namespace afbench::train {

/// Copies `in` to `out` (which may be the same path) with the string keys of `values` set.
Status SetGgufStrings(const std::filesystem::path& in, const std::filesystem::path& out,
                      const std::map<std::string, std::string>& values);

/// Every string-valued key of the file whose name starts with `prefix`.
Result<std::map<std::string, std::string>> ReadGgufStrings(const std::filesystem::path& path,
                                                           const std::string& prefix);

}  // namespace afbench::train

// afbench-make-tiny-model: writes a tiny random-weight GGUF model for tests (see tiny_model.h).
//
//   afbench-make-tiny-model --vocab third_party/llama.cpp/models/ggml-vocab-qwen2.gguf
//       --out build/models/tiny.gguf --seed 1 [--layers 2 --embd 64 --heads 4 --ff 256 ...]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "tiny_model.h"

namespace afbench::tiny {
namespace {

struct CliOptions {
  TinyModelOptions model;
  std::string template_file;
  bool f32 = false;
};

// Parses argv; returns an exit code when the program should stop (--help, bad flags).
std::optional<int> ParseArgs(int argc, char** argv, CliOptions& options) {
  CLI::App app{"Write a tiny random-weight llama GGUF model with a real tokenizer, for tests"};
  TinyModelOptions& m = options.model;
  app.add_option("--vocab", m.vocab_path, "llama.cpp models/ggml-vocab-*.gguf")->required();
  app.add_option("--out", m.out_path, "GGUF file to write")->required();
  app.add_option("--seed", m.seed, "Weights are a function of the seed")->capture_default_str();
  app.add_option("--layers", m.n_layer, "Transformer blocks")->capture_default_str();
  app.add_option("--embd", m.n_embd, "Embedding width")->capture_default_str();
  app.add_option("--heads", m.n_head, "Attention heads")->capture_default_str();
  app.add_option("--heads-kv", m.n_head_kv, "Key/value heads")->capture_default_str();
  app.add_option("--ff", m.n_ff, "Feed-forward width")->capture_default_str();
  app.add_option("--ctx", m.n_ctx, "Training context length")->capture_default_str();
  app.add_flag("--f32", options.f32, "F32 matrices instead of F16");
  app.add_option("--chat-template", options.template_file, "Jinja template file (default ChatML)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return std::nullopt;
}

std::optional<std::string> ReadTemplate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int Main(int argc, char** argv) {
  CliOptions options;
  if (std::optional<int> code = ParseArgs(argc, argv, options)) return *code;
  options.model.f16 = !options.f32;
  if (!options.template_file.empty()) {
    std::optional<std::string> text = ReadTemplate(options.template_file);
    if (!text) {
      std::fprintf(stderr, "tiny-model: %s: cannot read\n", options.template_file.c_str());
      return 1;
    }
    options.model.chat_template = *text;
  }
  const Status status = WriteTinyModel(options.model);
  if (!status) {
    std::fprintf(stderr, "%s\n", status.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace afbench::tiny

int main(int argc, char** argv) { return afbench::tiny::Main(argc, argv); }

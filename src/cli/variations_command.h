// `afbench variations list|show NAME|diff A B|paraphrase`: the prompt variations library
// (variations/*.yaml).
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

namespace afbench::cli {

struct VariationsFlags {
  std::string action;  ///< "list", "show" or "diff", set by the subcommand that parsed.
  std::string variations_dir;
  std::string scenarios_dir;
  std::string name;  ///< show: the variation.
  std::string from;  ///< diff: "default", a name or "a,b".
  std::string to;
  std::string scenario;  ///< show/diff: the scenario to render (default: helpful-only, or the first
                         ///< scenario the variation is written for).
  bool words = false;    ///< Show changes word by word ([-removed-]{+added+}).
  bool json = false;     ///< list: JSON.
  // paraphrase:
  std::string model;     ///< The paraphraser, provider/model.
  std::string base_url;  ///< Its API base URL.
  int count = 8;         ///< -n: variants.
  uint64_t seed = 0;
  std::string prompt_file;  ///< Default: <variations dir>/paraphrase/section.md.
  std::string out_dir;      ///< Default: the variations dir.
  int max_attempts = 4;     ///< Requests per section before it fails.
  double min_word_ratio = 0.7;
  bool force = false;  ///< Overwrite existing files.
};

CLI::App* AddVariationsCommand(CLI::App& app, VariationsFlags& flags);
int VariationsCommand(const VariationsFlags& flags, const std::atomic<bool>* cancel);
/// `afbench variations paraphrase` (paraphrase_command.cpp).
void AddParaphraseCommand(CLI::App& variations, VariationsFlags& flags);
int ParaphraseCommand(const VariationsFlags& flags, const std::atomic<bool>* cancel);

/// Where variation files are: `flag` if given, else $AFBENCH_VARIATIONS_DIR, else
/// <exe>/../share/afbench/variations when installed, else the source tree's variations/.
std::filesystem::path ResolveVariationsDir(const std::string& flag);

}  // namespace afbench::cli

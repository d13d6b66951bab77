// `afbench variations list|show NAME|diff A B`: the prompt variations library (variations/*.yaml).
#pragma once

#include <CLI/CLI.hpp>
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
};

CLI::App* AddVariationsCommand(CLI::App& app, VariationsFlags& flags);
int VariationsCommand(const VariationsFlags& flags);

/// Where variation files are: `flag` if given, else $AFBENCH_VARIATIONS_DIR, else
/// <exe>/../share/afbench/variations when installed, else the source tree's variations/.
std::filesystem::path ResolveVariationsDir(const std::string& flag);

}  // namespace afbench::cli

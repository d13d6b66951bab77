// The one way tests run the real afbench binary: the developer's API keys and base URLs are removed
// from its environment (they must neither reach a test's server nor redirect a test), it reads this
// tree's scenario library, and ggml's threads wait passively (they would spin while ctest runs
// other tests on the same cores; docs/llama.md, "Performance notes").
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace afbench::testing {

/// Path of the afbench binary in the build tree.
std::filesystem::path AfbenchBinary();

/// Options that run afbench with `args`, `env` added to the cleaned environment; callers may set
/// more (output files, working folder) before starting it.
SubprocessOptions AfbenchOptions(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env = {});

/// Runs afbench with `args` to completion (killed after `timeout`).
CommandResult RunAfbench(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                         const std::map<std::string, std::string>& env = {});

}  // namespace afbench::testing

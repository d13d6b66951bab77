#include "support/afbench_command.h"

#include "support/test_paths.h"

namespace afbench::testing {

std::filesystem::path AfbenchBinary() { return BinaryDir() / "src/cli/afbench"; }

SubprocessOptions AfbenchOptions(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env) {
  SubprocessOptions options;
  options.argv = {AfbenchBinary().string()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.unset_env = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL",
                       "ANTHROPIC_BASE_URL"};
  options.extra_env = {{"AFBENCH_SCENARIOS_DIR", (SourceDir() / "scenarios").string()},
                       {"OMP_WAIT_POLICY", "PASSIVE"}};
  for (const auto& [name, value] : env) options.extra_env[name] = value;
  return options;
}

CommandResult RunAfbench(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                         const std::map<std::string, std::string>& env) {
  return RunCommand(AfbenchOptions(args, env), timeout);
}

}  // namespace afbench::testing

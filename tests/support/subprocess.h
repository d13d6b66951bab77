// Subprocess: starts a program for an end-to-end test (the afbench binary, a loopback server), with
// its output sent to files, and makes sure it is gone when the test ends (the destructor kills it).
// Test-only code.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace afbench::testing {

struct SubprocessOptions {
  std::vector<std::string> argv;  ///< argv[0] is the program path.
  std::map<std::string, std::string>
      extra_env;                       ///< Added to (or replacing in) the test's environment.
  std::vector<std::string> unset_env;  ///< Removed from the environment.
  std::filesystem::path stdout_path;   ///< Where stdout goes ("" = /dev/null).
  std::filesystem::path stderr_path;   ///< Where stderr goes ("" = /dev/null).
  std::filesystem::path working_dir;   ///< "" = the test's working directory.
};

class Subprocess {
 public:
  explicit Subprocess(const SubprocessOptions& options);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  /// Sends `signal` (SIGTERM, SIGINT, SIGKILL, ...).
  void Signal(int signal);
  /// Waits for the exit and returns its code (128 + signal number when killed by a signal); nullopt
  /// on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

/// The result of running a command to completion.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `options.argv` to completion (at most `timeout`) and returns its exit code and output.
/// Output paths in `options` are ignored: temporary files are used.
CommandResult RunCommand(SubprocessOptions options, std::chrono::milliseconds timeout);

}  // namespace afbench::testing

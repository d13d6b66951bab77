#include "support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "support/test_paths.h"

extern char** environ;

namespace afbench::testing {
namespace {

std::vector<std::string> BuildEnvironment(const SubprocessOptions& options) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto equals = text.find('=');
    if (equals != std::string::npos) env[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& name : options.unset_env) env.erase(name);
  for (const auto& [name, value] : options.extra_env) env[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

void RedirectOrDie(const std::filesystem::path& path, int target_fd) {
  const char* file = path.empty() ? "/dev/null" : path.c_str();
  int fd = ::open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ::dup2(fd, target_fd) < 0) _exit(127);
  ::close(fd);
}

}  // namespace

Subprocess::Subprocess(const SubprocessOptions& options) {
  // Everything the child needs is prepared before fork: only async-signal-safe calls happen after
  // it.
  std::vector<std::string> env_strings = BuildEnvironment(options);
  std::vector<char*> argv;
  for (const auto& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    RedirectOrDie(options.stdout_path, STDOUT_FILENO);
    RedirectOrDie(options.stderr_path, STDERR_FILENO);
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) _exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
}

Subprocess::~Subprocess() {
  if (Running()) {
    Signal(SIGKILL);
    Wait(std::chrono::seconds(10));
  }
}

void Subprocess::Signal(int signal) {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, signal);
}

bool Subprocess::Running() {
  if (pid_ <= 0 || exit_code_) return false;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

CommandResult RunCommand(SubprocessOptions options, std::chrono::milliseconds timeout) {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("afbench-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  options.stdout_path = dir / "stdout";
  options.stderr_path = dir / "stderr";
  CommandResult result;
  {
    Subprocess process(options);
    auto code = process.Wait(timeout);
    result.exit_code = code.value_or(-1);
  }
  result.out = ReadFile(dir / "stdout");
  result.err = ReadFile(dir / "stderr");
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace afbench::testing

#include "llama_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace afbench::testing {
namespace {

// Another process may take the picked port between our close() and the server's bind(); a new
// port on the next attempt makes that race harmless.
constexpr int kStartAttempts = 3;
constexpr size_t kLogTailBytes = 2000;

std::string LogTail(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string log = text.str();
  return log.size() > kLogTailBytes ? "..." + log.substr(log.size() - kLogTailBytes) : log;
}

std::vector<std::string> BaseArgv(const LlamaServerOptions& options, int port) {
  // --jinja: render the model's own chat template (the default in recent versions, kept explicit
  // for older ones). --no-webui: the UI assets are not built (cmake/llama.cmake).
  // One flag and its value per line.
  // clang-format off
  return {options.binary.string(),
          "-m", options.model.string(),
          "--host", "127.0.0.1",
          "--port", std::to_string(port),
          "--parallel", std::to_string(options.parallel),
          "-c", std::to_string(options.ctx_size),
          "--threads", std::to_string(options.threads),
          "--jinja", "--no-webui"};
  // clang-format on
}

std::vector<std::string> ServerArgv(const LlamaServerOptions& options, int port) {
  std::vector<std::string> argv = BaseArgv(options, port);
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  return argv;
}

enum class Health { kHealthy, kExited, kTimedOut };

Health WaitHealthy(Subprocess& process, int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process.Running()) return Health::kExited;
    if (HttpGetStatus(port, "/health") == 200) return Health::kHealthy;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Health::kTimedOut;
}

}  // namespace

Result<int> PickFreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Fail(ErrorKind::kIo, "llama-server: socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) return Fail(ErrorKind::kIo, "llama-server: cannot bind a loopback port");
  return static_cast<int>(ntohs(address.sin_port));
}

std::optional<int> HttpGetStatus(int port, const std::string& url_path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(5, 0);
  const httplib::Result response = client.Get(url_path.c_str());
  if (!response) return std::nullopt;
  return response->status;
}

Status MakeTinyModel(const std::filesystem::path& tool, const std::filesystem::path& vocab,
                     const std::filesystem::path& out) {
  SubprocessOptions options;
  options.argv = {tool.string(), "--vocab", vocab.string(), "--out", out.string(), "--seed", "1"};
  const CommandResult made = RunCommand(options, std::chrono::seconds(60));
  if (made.exit_code != 0) {
    return Fail(ErrorKind::kTransient, "tiny-model: " + tool.string() + " exited with " +
                                           std::to_string(made.exit_code) + ": " + made.err);
  }
  return {};
}

Result<std::unique_ptr<LlamaServer>> LlamaServer::Start(const LlamaServerOptions& options) {
  if (!std::filesystem::exists(options.binary)) {
    return Fail(ErrorKind::kNotFound, "llama-server: " + options.binary.string() + ": not built");
  }
  std::string failure;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    Result<int> port = PickFreeLoopbackPort();
    if (!port) return Fail(port.error());
    SubprocessOptions spawn;
    spawn.argv = ServerArgv(options, *port);
    spawn.stdout_path = spawn.stderr_path = options.log_path;
    auto process = std::make_unique<Subprocess>(spawn);
    const Health health = WaitHealthy(*process, *port, options.start_timeout);
    if (health == Health::kHealthy) {
      return std::unique_ptr<LlamaServer>(new LlamaServer(std::move(process), *port));
    }
    LlamaServer(std::move(process), *port).Stop();
    failure = health == Health::kExited ? "exited before /health answered" : "/health timed out";
    if (health == Health::kTimedOut) break;
  }
  return Fail(ErrorKind::kTransient, "llama-server: " + failure + "; log " +
                                         options.log_path.string() + ":\n" +
                                         LogTail(options.log_path));
}

std::optional<int> LlamaServer::Stop(std::chrono::milliseconds grace) {
  if (!process_ || stopped_) return std::nullopt;
  stopped_ = true;
  process_->Signal(SIGTERM);
  if (std::optional<int> code = process_->Wait(grace)) return code;
  process_->Signal(SIGKILL);
  return process_->Wait(std::chrono::seconds(10));
}

}  // namespace afbench::testing

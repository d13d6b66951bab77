// LlamaServer: the real llama.cpp llama-server on a loopback port, owned by one test.
//
// Start() picks a free port (llama-server cannot be told --port 0 and report back), starts the
// binary with a model, and returns once GET /health answers 200, i.e. once the model is loaded.
// Stop() and the destructor send SIGTERM to the server's PID and SIGKILL after a grace period, so a
// failed assertion never leaves a server behind. The server's output goes to a log file, whose tail
// is quoted when it fails to start. One object per process; not thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "support/subprocess.h"

namespace afbench::testing {

/// How to start llama-server.
struct LlamaServerOptions {
  std::filesystem::path binary{};    ///< The llama-server executable.
  std::filesystem::path model{};     ///< GGUF model (-m).
  std::filesystem::path log_path{};  ///< stdout and stderr of the server.
  /// Slots (--parallel). Requests beyond this many wait in the server's queue.
  int parallel = 4;
  /// Total KV context (-c), divided evenly between the slots: 4 x 8192 leaves each slot room for
  /// a ~6k-token scenario prompt and two short turns.
  int ctx_size = 32768;
  int threads = 2;
  std::vector<std::string> extra_args{};  ///< Appended to the command line (e.g. sampler defaults).
  std::chrono::milliseconds start_timeout = std::chrono::seconds(120);
};

class LlamaServer {
 public:
  /// Starts the server and waits for /health. Fails with kNotFound when the binary is missing and
  /// with kTransient when it exits or does not become healthy in time (the log tail is quoted).
  static Result<std::unique_ptr<LlamaServer>> Start(const LlamaServerOptions& options);

  ~LlamaServer() { Stop(); }
  LlamaServer(const LlamaServer&) = delete;
  LlamaServer& operator=(const LlamaServer&) = delete;

  /// SIGTERM, then SIGKILL after `grace`; the exit status (128 + signal when killed), nullopt when
  /// it was already stopped.
  std::optional<int> Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  int port() const { return port_; }
  /// "http://127.0.0.1:<port>" (OpenAI-compatible clients add "/v1").
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return process_->pid(); }
  bool Running() { return process_ && process_->Running(); }

 private:
  LlamaServer(std::unique_ptr<Subprocess> process, int port)
      : process_(std::move(process)), port_(port) {}

  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  bool stopped_ = false;
};

/// A TCP port on 127.0.0.1 that was free a moment ago: the kernel's choice for a socket bound to
/// port 0, closed before returning.
Result<int> PickFreeLoopbackPort();

/// Runs afbench-make-tiny-model (`tool`) to write a tiny model with the `vocab` tokenizer and seed
/// 1 to `out`; kTransient with the tool's stderr when it fails.
Status MakeTinyModel(const std::filesystem::path& tool, const std::filesystem::path& vocab,
                     const std::filesystem::path& out);

/// GET `url_path` on 127.0.0.1:`port`; the HTTP status, or nullopt when nothing answered.
std::optional<int> HttpGetStatus(int port, const std::string& url_path);

}  // namespace afbench::testing

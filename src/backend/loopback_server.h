// Test helper: a cpp-httplib server on 127.0.0.1 with a port chosen by the OS, serving on its own
// thread for the lifetime of the object. Routes are registered on http() before Start(), so
// handlers never race with registration. Handlers that wait (to test timeouts) use
// SleepUnlessClosing() so that teardown stays fast.
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace afbench::testing {

class LoopbackServer {
 public:
  LoopbackServer() = default;

  /// Binds 127.0.0.1:<any port> and serves the routes registered so far.
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }

  ~LoopbackServer() {
    closing_ = true;
    if (!thread_.joinable()) return;
    // stop() is ignored until listen_after_bind has started running.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server_.stop();
    thread_.join();
  }

  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Server& http() { return server_; }
  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool Closing() const { return closing_; }

  /// Sleeps up to `ms`, returning early when the server is being torn down.
  void SleepUnlessClosing(int ms) const {
    for (int waited = 0; waited < ms && !closing_; waited += 5) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> closing_{false};
  std::thread thread_;
};

/// A loopback port that refuses connections: bound (so nobody else takes it) but not listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace afbench::testing

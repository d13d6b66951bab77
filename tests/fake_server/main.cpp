// afbench-fake-server: a scripted stand-in for the OpenAI and Anthropic APIs on loopback, for e2e
// tests and the offline demo. See fake_policy.h for what it answers and fake_api.h for the wire
// formats.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fake_api.h"
#include "faults.h"
#include "request_log.h"

namespace afbench::fake {
namespace {

struct CliOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  std::string log_file;
  int delay_ms = 0;
  bool echo_credentials = false;
  int threads = 32;
  ServerOptions server;
  FaultOptions faults;
};

std::atomic<bool> g_stopping{false};

// Parses argv; returns an exit code when the program should stop (--help, bad flags).
std::optional<int> ParseArgs(int argc, char** argv, CliOptions& options) {
  CLI::App app{"Scripted OpenAI/Anthropic-compatible server for afbench tests and demos"};
  app.add_option("--host", options.host, "Address to listen on");
  app.add_option("--port", options.port, "Port (0 = any free port)");
  app.add_option("--port-file", options.port_file, "Write the chosen port to this file");
  app.add_option("--log", options.log_file, "Append one JSON line per request to this file");
  app.add_option("--delay-ms", options.delay_ms, "Sleep this long before each answer");
  app.add_option("--fail-every", options.server.fail_every,
                 "Answer every Nth first attempt with 429 Retry-After: 0");
  app.add_option("--fault-rate", options.faults.rate,
                 "Fraction of requests that get an injected fault")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-seed", options.faults.seed, "Seed of the fault stream");
  app.add_option("--stall-ms", options.faults.stall_ms, "How long a stalled answer waits");
  app.add_flag("--echo-credentials", options.echo_credentials,
               "Put the request's Authorization / x-api-key value in every answer");
  app.add_option("--threads", options.threads, "Worker threads")->check(CLI::Range(1, 256));
  app.add_option("--comply-free", options.server.policy.comply_free, "Planted free-tier compliance")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--comply-paid", options.server.policy.comply_paid, "Planted paid-tier compliance")
      ->check(CLI::Range(0.0, 1.0));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return std::nullopt;
}

// Sleeps in small steps so that SIGTERM is not held up by a long --delay-ms.
void Delay(int delay_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
  while (!g_stopping && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Answers with the first half of the body, then drops the connection: the client sees a reset
// transfer.
void SendThenReset(httplib::Response& res, const std::string& body) {
  auto shared = std::make_shared<std::string>(body);
  res.set_content_provider(body.size(), "application/json",
                           [shared](size_t, size_t, httplib::DataSink& sink) {
                             sink.write(shared->data(), shared->size() / 2);
                             return false;
                           });
}

void ApplyFault(Fault fault, const FaultOptions& options, Api kind, HttpReply& reply) {
  if (fault == Fault::kNone || reply.status != 200) return;
  if (fault == Fault::kStall) Delay(options.stall_ms);
  int status = FaultStatus(fault);
  if (status != 200) {
    reply.status = status;
    reply.body = std::string(R"({"error":{"type":"injected","message":"injected fault )") +
                 FaultName(fault) + "\"}}";
    if (fault == Fault::kRateLimitRetryAfter) reply.headers.push_back({"Retry-After", "1"});
    return;
  }
  reply.body = ApplyBodyFault(fault, reply.body, kind == Api::kAnthropic, options.huge_bytes);
}

struct Routes {
  FakeApi* api;
  RequestLog* log;
  FaultInjector* faults;
  int delay_ms;
  bool echo_credentials;
};

void AddRoutes(httplib::Server& server, const Routes& routes) {
  auto route = [routes](Api kind) {
    return [routes, kind](const httplib::Request& req, httplib::Response& res) {
      Delay(routes.delay_ms);
      const std::string request_id = req.get_header_value("X-Afbench-Request-Id");
      HttpReply reply = routes.api->Handle(kind, req.body, request_id);
      if (routes.echo_credentials) {
        const std::string credential =
            req.get_header_value("Authorization") + req.get_header_value("x-api-key");
        reply.body = EchoCredentials(reply.status, reply.body, kind == Api::kAnthropic, credential);
      }
      if (reply.event_stream && reply.status == 200) reply.body = StreamBody(kind, reply.body);
      // Faults hit what goes on the wire: a streamed reply is cut or garbled as a stream.
      const Fault fault = routes.faults->Next();
      ApplyFault(fault, routes.faults->options(), kind, reply);
      res.status = reply.status;
      for (const auto& [name, value] : reply.headers) res.set_header(name, value);
      if (fault == Fault::kReset) {
        SendThenReset(res, reply.body);
      } else {
        res.set_content(reply.body, reply.event_stream ? "text/event-stream" : "application/json");
      }
      const bool injected = routes.faults->options().rate > 0;
      routes.log->Write(request_id, req.path, reply.status, reply.turn,
                        injected ? FaultName(fault) : "");
    };
  };
  server.Post("/v1/chat/completions", route(Api::kOpenAi));
  server.Post("/v1/messages", route(Api::kAnthropic));
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
}

// Written under a temporary name and renamed, so a reader never sees a partial port number.
bool WritePortFile(const std::string& file, int port) {
  const std::string temporary = file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  return !error;
}

// SIGINT/SIGTERM are blocked in every thread and taken by this one with sigwait, which may safely
// call Server::stop (a signal handler may not). stop() is ignored until the server runs, hence the
// wait.
std::thread StartSignalThread(httplib::Server& server, const sigset_t& signals,
                              const std::atomic<bool>& listen_returned) {
  return std::thread([&server, &listen_returned, signals] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    g_stopping = true;
    while (!server.is_running() && !listen_returned) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server.stop();
  });
}

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Binds, announces the port on stdout and in --port-file; -1 on failure (reported on stderr).
int BindAndAnnounce(httplib::Server& server, const CliOptions& options) {
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::fprintf(stderr, "afbench-fake-server: cannot listen on %s:%d\n", options.host.c_str(),
                 options.port);
    return -1;
  }
  std::printf("listening on %s:%d\n", options.host.c_str(), port);
  std::fflush(stdout);
  if (!options.port_file.empty() && !WritePortFile(options.port_file, port)) {
    std::fprintf(stderr, "afbench-fake-server: cannot write %s\n", options.port_file.c_str());
    return -1;
  }
  return port;
}

int Serve(const CliOptions& options) {
  const sigset_t signals = BlockStopSignals();  // Before any thread starts, so that all inherit it.
  FakeApi api(options.server);
  RequestLog log;
  if (!options.log_file.empty() && !log.Open(options.log_file)) {
    std::fprintf(stderr, "afbench-fake-server: cannot open log %s\n", options.log_file.c_str());
    return 1;
  }
  httplib::Server server;
  const auto threads = static_cast<size_t>(options.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // An idle keep-alive connection holds a worker until it times out, and stop() waits for the
  // workers, so a short timeout keeps SIGTERM prompt.
  server.set_keep_alive_timeout(1);
  FaultInjector faults(options.faults);
  AddRoutes(server, Routes{&api, &log, &faults, options.delay_ms, options.echo_credentials});
  if (BindAndAnnounce(server, options) < 0) return 1;
  std::atomic<bool> listen_returned{false};
  std::thread signal_thread = StartSignalThread(server, signals, listen_returned);
  server.listen_after_bind();
  listen_returned = true;
  if (!g_stopping) pthread_kill(signal_thread.native_handle(), SIGTERM);  // Wakes sigwait.
  signal_thread.join();
  return 0;
}

}  // namespace
}  // namespace afbench::fake

int main(int argc, char** argv) {
  afbench::fake::CliOptions options;
  if (std::optional<int> exit_code = afbench::fake::ParseArgs(argc, argv, options))
    return *exit_code;
  return afbench::fake::Serve(options);
}

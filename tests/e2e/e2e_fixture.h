// Shared pieces of the end-to-end tests: a scripted loopback server (tests/fake_server) started per
// test, and helpers that run the real afbench binary against it and read its JSON.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/afbench_command.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace afbench::testing {

/// A running afbench-fake-server on 127.0.0.1, stopped by the destructor.
class FakeServer {
 public:
  /// Starts the server with `extra_args` (e.g. {"--delay-ms", "20"}; {"--port", "N"} picks the
  /// port, else any free one); fails the test if it does not come up.
  FakeServer(const std::filesystem::path& dir, const std::vector<std::string>& extra_args = {});
  ~FakeServer();
  std::string OpenAiUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::string AnthropicUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Request ids in the order the server received them (one per request, retries included).
  std::vector<std::string> RequestIds() const;
  std::filesystem::path log_path() const { return log_path_; }

 private:
  std::unique_ptr<Subprocess> process_;
  std::filesystem::path log_path_;
  int port_ = 0;
};

/// Runs afbench with `args` (API-key variables removed unless given in `env`).
CommandResult Afbench(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {});
/// Parses stdout as JSON; fails the test when it is not.
nlohmann::json ParseJson(const CommandResult& result);
/// The run id of the newest run in `db`.
std::string NewestRunId(const std::filesystem::path& db);
/// "<run>/<sample>/t<turn>" ids of the turns stored in `db` (read through sqlite3's CLI-free C
/// API).
std::set<std::string> StoredTurnIds(const std::filesystem::path& db);

}  // namespace afbench::testing

#include "e2e/e2e_fixture.h"

#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace afbench::testing {

FakeServer::FakeServer(const std::filesystem::path& dir,
                       const std::vector<std::string>& extra_args) {
  auto port_file = dir / "server.port";
  log_path_ = dir / "server.log";
  SubprocessOptions options;
  options.argv = {(BinaryDir() / "tests/fake_server/afbench-fake-server").string(),
                  "--host",
                  "127.0.0.1",
                  "--port-file",
                  port_file.string(),
                  "--log",
                  log_path_.string()};
  // Any free port, unless the test names one (a server coming back where it was).
  if (std::find(extra_args.begin(), extra_args.end(), "--port") == extra_args.end()) {
    options.argv.insert(options.argv.end(), {"--port", "0"});
  }
  options.argv.insert(options.argv.end(), extra_args.begin(), extra_args.end());
  options.stderr_path = dir / "server.stderr";
  process_ = std::make_unique<Subprocess>(options);
  for (int i = 0; i < 500 && port_ == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> port_)) port_ = 0;
    if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(port_, 0) << "fake server did not start: " << ReadFile(dir / "server.stderr");
}

FakeServer::~FakeServer() {
  process_->Signal(SIGTERM);
  if (!process_->Wait(std::chrono::seconds(5))) process_->Signal(SIGKILL);
}

std::vector<std::string> FakeServer::RequestIds() const {
  std::vector<std::string> ids;
  std::ifstream in(log_path_);
  std::string line;
  while (std::getline(in, line)) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_object() && json.contains("request_id")) ids.push_back(json["request_id"]);
  }
  return ids;
}

CommandResult Afbench(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env) {
  return RunAfbench(args, std::chrono::minutes(5), env);
}

nlohmann::json ParseJson(const CommandResult& result) {
  auto json = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << "not JSON: " << result.out << "\nstderr: " << result.err;
  return json;
}

std::string NewestRunId(const std::filesystem::path& db) {
  auto runs = ParseJson(Afbench({"runs", "--json", "--db", db.string()}));
  EXPECT_TRUE(runs.is_array() && !runs.empty());
  return runs.is_array() && !runs.empty() ? runs[0]["run_id"].get<std::string>() : "";
}

std::set<std::string> StoredTurnIds(const std::filesystem::path& db) {
  std::set<std::string> ids;
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db;
    sqlite3_close(handle);
    return ids;
  }
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(
      handle,
      "SELECT run_id || '/q' || query_index || '/' || tier || '/e' || epoch || '/t' || "
      "turn_index FROM turns",
      -1, &statement, nullptr);
  while (sqlite3_step(statement) == SQLITE_ROW) {
    ids.insert(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return ids;
}

}  // namespace afbench::testing

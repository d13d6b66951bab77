// Reliability end-to-end tests (docs/reliability.md): a long run against a server that injects
// faults, and a run killed with SIGKILL at random moments twenty times. Both check the two
// promises: nothing stored is lost, nothing stored is requested again.
#include <signal.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "e2e/e2e_fixture.h"

namespace afbench::testing {
namespace {

struct LogEntry {
  std::string request_id;
  int status = 0;
  std::string fault;
};

std::vector<LogEntry> ReadLog(const std::filesystem::path& path) {
  std::vector<LogEntry> entries;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_object()) continue;
    entries.push_back(
        {json.value("request_id", ""), json.value("status", 0), json.value("fault", "")});
  }
  return entries;
}

// A reply the client received intact: no transport or status fault.
bool Delivered(const LogEntry& entry) {
  return entry.status == 200 && (entry.fault.empty() || entry.fault == "none" ||
                                 entry.fault == "empty" || entry.fault == "huge");
}

std::string AdvBench() { return (SharedDir() / "data/advbench_harmful_behaviors.csv").string(); }

TEST(ReliabilityE2e, TwoThousandRequestsAtTwentyPercentFaultsLoseNothingAndRepeatNothingStored) {
  auto dir = MakeTempDir();
  FakeServer server(dir, {"--fault-rate", "0.2", "--fault-seed", "11", "--stall-ms", "1500"});
  auto db = dir / "afbench.db";
  auto run = Afbench({"run",
                      "--model",
                      "openai/scripted",
                      "--base-url",
                      server.OpenAiUrl(),
                      "--dataset",
                      AdvBench(),
                      "--limit",
                      "500",
                      "--seed",
                      "3",
                      "--db",
                      db.string(),
                      "--max-connections",
                      "16",
                      "--max-attempts",
                      "12",
                      "--timeout-s",
                      "1",
                      "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Stalled requests are logged when the server finally answers, after the client gave up on them.
  std::this_thread::sleep_for(std::chrono::milliseconds(1700));

  auto log = ReadLog(server.log_path());
  EXPECT_GE(log.size(), 2000u);
  size_t faults = 0;
  std::map<std::string, size_t> delivered_at;
  for (size_t i = 0; i < log.size(); ++i) {
    faults += log[i].fault != "none";
    if (Delivered(log[i]) && !delivered_at.contains(log[i].request_id)) {
      delivered_at[log[i].request_id] = i;
    }
  }
  EXPECT_NEAR(static_cast<double>(faults) / static_cast<double>(log.size()), 0.2, 0.04);
  // No request for a (sample, turn) after the server delivered its answer.
  for (size_t i = 0; i < log.size(); ++i) {
    auto found = delivered_at.find(log[i].request_id);
    if (found != delivered_at.end()) {
      EXPECT_LE(i, found->second) << "requested again after delivery: " << log[i].request_id;
    }
  }
  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 1000);
  EXPECT_EQ(summary["samples"]["planned"], 1000);
  EXPECT_EQ(summary["tiers"]["free"]["outcomes"]["error"], 0);
  EXPECT_EQ(summary["tiers"]["paid"]["outcomes"]["error"], 0);
  EXPECT_EQ(StoredTurnIds(db).size(), delivered_at.size());
  // afbench counts every attempt; a few die on a dropped keep-alive connection before the server
  // sees them.
  auto requests = summary["usage"]["requests"].get<size_t>();
  EXPECT_GE(requests, log.size());
  EXPECT_LE(requests, log.size() + log.size() / 100);
}

bool HasRun(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return false;
  auto runs =
      nlohmann::json::parse(Afbench({"runs", "--json", "--db", db.string()}).out, nullptr, false);
  return runs.is_array() && !runs.empty();
}

TEST(ReliabilityE2e, TwentyKillNinesAtRandomMomentsThenResumeGiveTheUninterruptedResult) {
  auto dir = MakeTempDir();
  FakeServer server(dir, {"--delay-ms", "80"});
  auto db = dir / "killed.db";
  const std::vector<std::string> fresh = {"run",
                                          "--model",
                                          "openai/scripted",
                                          "--base-url",
                                          server.OpenAiUrl(),
                                          "--dataset",
                                          AdvBench(),
                                          "--limit",
                                          "40",
                                          "--seed",
                                          "5",
                                          "--max-connections",
                                          "2",
                                          "--db",
                                          db.string(),
                                          "-q"};
  std::mt19937 random(2024);  // fixed: the kill moments are reproducible
  std::uniform_int_distribution<int> delay_ms(20, 250);
  int kills = 0;
  bool finished = false;
  // After each kill: the turns stored by then, and how many requests the server had logged.
  std::vector<std::pair<std::set<std::string>, size_t>> snapshots;
  for (int attempt = 0; attempt < 60 && kills < 20 && !finished; ++attempt) {
    auto args = HasRun(db) ? std::vector<std::string>{"run",  "--resume",  NewestRunId(db),
                                                      "--db", db.string(), "-q"}
                           : fresh;
    Subprocess run(AfbenchOptions(args));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    if (!run.Running()) {
      finished = true;
      break;
    }
    run.Signal(SIGKILL);
    ASSERT_EQ(run.Wait(std::chrono::seconds(10)), 128 + SIGKILL);
    ++kills;
    // Everything stored so far must never be requested again. A kill before the run created its
    // store (a slow start under a sanitizer) has stored nothing.
    auto stored = std::filesystem::exists(db) ? StoredTurnIds(db) : std::set<std::string>{};
    snapshots.emplace_back(std::move(stored), ReadLog(server.log_path()).size());
  }
  EXPECT_GE(kills, 20) << "the run finished before twenty kills; slow the server down";
  ASSERT_TRUE(HasRun(db));
  std::string run_id = NewestRunId(db);
  auto last = Afbench({"run", "--resume", run_id, "--db", db.string(), "-q"});
  ASSERT_EQ(last.exit_code, 0) << last.err;

  auto log = ReadLog(server.log_path());
  for (const auto& [stored, mark] : snapshots) {
    for (size_t i = mark; i < log.size(); ++i) {
      EXPECT_FALSE(stored.contains(log[i].request_id)) << "re-requested " << log[i].request_id;
    }
  }
  auto killed = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  auto clean_db = dir / "clean.db";
  auto clean_args = fresh;
  clean_args[clean_args.size() - 2] = clean_db.string();
  ASSERT_EQ(Afbench(clean_args).exit_code, 0);
  auto clean = ParseJson(Afbench({"summary", "--json", "--db", clean_db.string()}));
  EXPECT_EQ(killed["samples"]["completed"], 80);
  EXPECT_EQ(killed["tiers"], clean["tiers"]);
  EXPECT_EQ(killed["gap"], clean["gap"]);
  EXPECT_EQ(killed["usage"]["output_tokens"], clean["usage"]["output_tokens"]);
}

}  // namespace
}  // namespace afbench::testing

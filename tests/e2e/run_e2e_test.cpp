// End-to-end tests of `afbench run`, `summary`, `runs` and `export`: the real binary against the
// scripted loopback server, on the real AdvBench file. They check plumbing and numbers, never
// harmful text.
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "e2e/e2e_fixture.h"

namespace afbench::testing {
namespace {

std::string AdvBench() { return (SharedDir() / "data/advbench_harmful_behaviors.csv").string(); }

std::vector<std::string> RunArgs(const FakeServer& server, const std::filesystem::path& db,
                                 int limit) {
  return {"run",       "--model",  "openai/scripted", "--base-url",          server.OpenAiUrl(),
          "--dataset", AdvBench(), "--limit",         std::to_string(limit), "--seed",
          "7",         "--db",     db.string(),       "--max-connections",   "4",
          "-q"};
}

// The parts of a summary that must not depend on how the run was executed (ids, times and request
// counts do).
nlohmann::json Figures(const nlohmann::json& summary) {
  return {{"tiers", summary["tiers"]},
          {"gap", summary["gap"]},
          {"input_tokens", summary["usage"]["input_tokens"]},
          {"output_tokens", summary["usage"]["output_tokens"]}};
}

TEST(RunE2e, Advbench50CompletesWithBothTiersTheGapAndEveryOutcome) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "afbench.db";
  auto run = Afbench(RunArgs(server, db, 50));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("compliance gap"), std::string::npos);

  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["model"], "openai/scripted");
  EXPECT_EQ(summary["samples"]["completed"], 100);
  int64_t total = 0;
  for (const char* tier : {"free", "paid"}) {
    const auto& figures = summary["tiers"][tier];
    int64_t outcomes = 0;
    for (const auto& [name, count] : figures["outcomes"].items()) outcomes += count.get<int64_t>();
    EXPECT_EQ(outcomes, 50) << tier;
    EXPECT_EQ(figures["outcomes"]["error"], 0) << tier;
    EXPECT_EQ(figures["n"], 50) << tier;
    EXPECT_LE(figures["ci_low"].get<double>(), figures["compliance_rate"].get<double>());
    EXPECT_GE(figures["ci_high"].get<double>(), figures["compliance_rate"].get<double>());
    total += outcomes;
  }
  EXPECT_EQ(total, 100);
  // The scripted server plants 60% compliance in the free tier and 20% in the paid tier.
  EXPECT_GT(summary["gap"]["estimate"].get<double>(), 0.15);
  EXPECT_GT(summary["gap"]["ci_low"].get<double>(), 0.0);
  EXPECT_LT(summary["gap"]["mcnemar_p"].get<double>(), 0.01);
  EXPECT_GT(summary["usage"]["input_tokens"].get<int64_t>(), 0);
  EXPECT_EQ(summary["usage"]["requests"].get<size_t>(), server.RequestIds().size());
  // The server names the model that answered (it echoes the request's): every turn records it.
  ASSERT_EQ(summary["served_models"].size(), 1u) << summary["served_models"];
  EXPECT_GE(summary["served_models"]["scripted"].get<int64_t>(), 100);
}

TEST(RunE2e, ExportWritesEveryTranscriptAsJsonlAndCsv) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "afbench.db";
  ASSERT_EQ(Afbench(RunArgs(server, db, 5)).exit_code, 0);
  std::string run_id = NewestRunId(db);
  auto jsonl = Afbench({"export", run_id, "--format", "jsonl", "--db", db.string()});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  std::istringstream lines(jsonl.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto sample = nlohmann::json::parse(line);
    EXPECT_EQ(sample["run_id"], run_id);
    EXPECT_FALSE(sample["turns"].empty());
    EXPECT_EQ(sample["labels"][0]["classifier_id"], "compliance-tag");
    ++count;
  }
  EXPECT_EQ(count, 10);
  auto csv_path = dir / "out.csv";
  ASSERT_EQ(
      Afbench({"export", run_id, "--format", "csv", "-o", csv_path.string(), "--db", db.string()})
          .exit_code,
      0);
  EXPECT_EQ(ReadFile(csv_path).rfind("run_id,query_index,tier,epoch,", 0), 0u);
}

TEST(RunE2e, KillNineHalfwayThenResumeSendsNoStoredRequestAgainAndMatchesAnUninterruptedRun) {
  auto dir = MakeTempDir();
  FakeServer server(dir, {"--delay-ms", "15"});
  auto db = dir / "killed.db";
  SubprocessOptions options;
  options.argv = {AfbenchBinary().string()};
  for (const auto& arg : RunArgs(server, db, 50)) options.argv.push_back(arg);
  options.extra_env["AFBENCH_SCENARIOS_DIR"] = (SourceDir() / "scenarios").string();
  {
    Subprocess run(options);
    // Wait until about half of the ~200 requests have been answered, then kill without warning.
    for (int i = 0; i < 3000 && server.RequestIds().size() < 90; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    run.Signal(SIGKILL);
    ASSERT_EQ(run.Wait(std::chrono::seconds(10)), 128 + SIGKILL);
  }
  std::set<std::string> stored_before = StoredTurnIds(db);
  size_t requests_before = server.RequestIds().size();
  ASSERT_GT(stored_before.size(), 20u);
  std::string run_id = NewestRunId(db);
  EXPECT_EQ(ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}))["status"],
            "running");

  auto resumed = Afbench({"run", "--resume", run_id, "--db", db.string(), "-q"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto ids = server.RequestIds();
  for (size_t i = requests_before; i < ids.size(); ++i) {
    EXPECT_FALSE(stored_before.contains(ids[i])) << "re-requested a stored turn: " << ids[i];
  }
  auto killed_summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(killed_summary["status"], "completed");

  auto clean_db = dir / "clean.db";
  ASSERT_EQ(Afbench(RunArgs(server, clean_db, 50)).exit_code, 0);
  auto clean_summary = ParseJson(Afbench({"summary", "--json", "--db", clean_db.string()}));
  EXPECT_EQ(Figures(killed_summary), Figures(clean_summary));
}

TEST(RunE2e, ResumingACompletedRunSendsNothing) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "afbench.db";
  ASSERT_EQ(Afbench(RunArgs(server, db, 3)).exit_code, 0);
  size_t before = server.RequestIds().size();
  auto resumed = Afbench({"run", "--resume", NewestRunId(db), "--db", db.string(), "-q"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(server.RequestIds().size(), before);
}

TEST(RunE2e, InterruptWithSigintStopsCleanlyAndResumeFinishes) {
  auto dir = MakeTempDir();
  FakeServer server(dir, {"--delay-ms", "20"});
  auto db = dir / "afbench.db";
  SubprocessOptions options;
  options.argv = {AfbenchBinary().string()};
  for (const auto& arg : RunArgs(server, db, 30)) options.argv.push_back(arg);
  options.extra_env["AFBENCH_SCENARIOS_DIR"] = (SourceDir() / "scenarios").string();
  std::string run_id;
  {
    Subprocess run(options);
    for (int i = 0; i < 3000 && server.RequestIds().size() < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    run.Signal(SIGINT);
    EXPECT_EQ(run.Wait(std::chrono::seconds(30)), 130);
  }
  run_id = NewestRunId(db);
  auto summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["status"], "interrupted");
  EXPECT_LT(summary["samples"]["completed"].get<int>(), 60);
  ASSERT_EQ(Afbench({"run", "--resume", run_id, "--db", db.string(), "-q"}).exit_code, 0);
  summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 60);
}

TEST(RunE2e, RetriesRateLimitedRequestsOverRealHttp) {
  auto dir = MakeTempDir();
  FakeServer server(dir, {"--fail-every", "3"});
  auto db = dir / "afbench.db";
  auto args = RunArgs(server, db, 10);
  ASSERT_EQ(Afbench(args).exit_code, 0);
  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  EXPECT_EQ(summary["tiers"]["free"]["outcomes"]["error"], 0);
  EXPECT_EQ(summary["tiers"]["paid"]["outcomes"]["error"], 0);
  EXPECT_GT(summary["usage"]["requests"].get<size_t>(), StoredTurnIds(db).size());
  EXPECT_EQ(summary["usage"]["requests"].get<size_t>(), server.RequestIds().size());
}

TEST(RunE2e, AnthropicMessagesApiRunsTheSameExperiment) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "afbench.db";
  auto run =
      Afbench({"run", "--model", "anthropic/scripted", "--base-url", server.AnthropicUrl(),
               "--dataset", AdvBench(), "--limit", "5", "--seed", "7", "--db", db.string(), "-q"},
              {{"ANTHROPIC_API_KEY", "placeholder-anthropic-credential"}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 10);
  // The shared system prompt is written to the provider's cache once, then read from it.
  EXPECT_GT(summary["usage"]["cache_read_tokens"].get<int64_t>(), 0);
}

TEST(RunE2e, ApiKeysNeverReachTheStoreOrExports) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "afbench.db";
  const std::string sentinel = "SENTINEL-credential-4f1d2c9e8b7a";
  auto args = RunArgs(server, db, 3);
  ASSERT_EQ(Afbench(args, {{"OPENAI_API_KEY", sentinel}}).exit_code, 0);
  auto exported = Afbench({"export", NewestRunId(db), "--db", db.string()});
  auto summary = Afbench({"summary", "--json", "--db", db.string()});
  ASSERT_EQ(Afbench({"runs", "--db", db.string()}).exit_code, 0);
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().filename().string().rfind("server", 0) == 0)
      continue;  // the server saw the header
    EXPECT_EQ(ReadFile(file.path()).find("SENTINEL"), std::string::npos) << file.path();
  }
  EXPECT_EQ(exported.out.find("SENTINEL"), std::string::npos);
  EXPECT_EQ(summary.out.find("SENTINEL"), std::string::npos);
}

// A run against a server that echoes the key in its replies and in its errors (some Samples fail):
// no byte of the key reaches the store, the terminal, the exports or the report.
TEST(RunE2e, AKeyEchoedByTheServerReachesNothingAfbenchWritesOrPrintsInAFailingRun) {
  auto dir = MakeTempDir();
  std::filesystem::create_directories(dir / "server");
  FakeServer server(dir / "server", {"--echo-credentials", "--fail-every", "3"});
  const auto out = dir / "out";
  std::filesystem::create_directories(out);
  auto db = out / "afbench.db";
  const std::string sentinel = "SENTINEL-credential-4f1d2c9e8b7a";
  const std::map<std::string, std::string> env = {{"OPENAI_API_KEY", sentinel}};
  auto args = RunArgs(server, db, 4);
  args.insert(args.end(), {"--max-attempts", "1"});
  std::vector<CommandResult> printed = {Afbench(args, env)};
  EXPECT_EQ(printed[0].exit_code, 1) << "some samples should fail: " << printed[0].err;
  const std::string run_id = NewestRunId(db);
  printed.push_back(Afbench({"export", run_id, "--db", db.string()}));
  printed.push_back(Afbench({"export", run_id, "--format", "csv", "--db", db.string()}));
  printed.push_back(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  printed.push_back(Afbench({"runs", "--db", db.string()}));
  printed.push_back(Afbench(
      {"report", run_id, "--reveal", "-o", (out / "report.html").string(), "--db", db.string()}));
  printed.push_back(Afbench({"run", "--resume", run_id, "--db", db.string()}, env));
  const std::string exported = printed[1].out;
  EXPECT_NE(exported.find("[redacted]"), std::string::npos) << "the server did not echo the key";
  for (const auto& file : std::filesystem::directory_iterator(out)) {
    EXPECT_EQ(ReadFile(file.path()).find("SENTINEL"), std::string::npos) << file.path();
  }
  for (const CommandResult& result : printed) {
    EXPECT_EQ(result.out.find("SENTINEL"), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find("SENTINEL"), std::string::npos) << result.err;
  }
}

TEST(RunE2e, ABaseUrlWithCredentialsIsRefusedAndNeverStoredOrPrinted) {
  auto dir = MakeTempDir();
  auto db = dir / "afbench.db";
  auto refused = Afbench({"run", "--model", "openai/m", "--base-url",
                          "http://user:SENTINEL-password@127.0.0.1:9/v1", "--dataset", AdvBench(),
                          "--db", db.string(), "-q"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("carries credentials"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("SENTINEL"), std::string::npos) << refused.err;
  if (std::filesystem::exists(db)) {
    EXPECT_TRUE(ParseJson(Afbench({"runs", "--json", "--db", db.string()})).empty());
    EXPECT_EQ(ReadFile(db).find("SENTINEL"), std::string::npos);
  }
}

// The turns of a streamed run, from a server speaking each API's event stream, are the turns of
// the same run without streaming: text, finish reason and token counts.
TEST(RunE2e, AStreamedRunStoresExactlyTheTurnsOfANonStreamedOne) {
  auto dir = MakeTempDir();
  for (const std::string provider : {"openai", "anthropic"}) {
    SCOPED_TRACE(provider);
    std::vector<nlohmann::json> turns[2];
    for (int streamed = 0; streamed < 2; ++streamed) {
      // A server of its own: the fake Anthropic cache remembers system prompts it has seen.
      const auto folder = dir / (provider + std::to_string(streamed));
      std::filesystem::create_directories(folder);
      FakeServer server(folder);
      const std::string url = provider == "openai" ? server.OpenAiUrl() : server.AnthropicUrl();
      auto db = dir / (provider + std::to_string(streamed) + ".db");
      std::vector<std::string> args = {"run", "--model", provider + "/scripted", "--base-url", url,
                                       "--dataset", AdvBench(), "--limit", "3", "--seed", "7",
                                       "--db", db.string(), "-q",
                                       // one at a time: which request writes the fake cache
                                       "--max-connections", "1"};
      if (streamed == 0) args.push_back("--no-stream");  // streaming is the default
      auto run = Afbench(args);
      ASSERT_EQ(run.exit_code, 0) << run.err;
      auto exported = Afbench({"export", NewestRunId(db), "--db", db.string()});
      std::istringstream lines(exported.out);
      for (std::string line; std::getline(lines, line);) {
        const nlohmann::json sample = nlohmann::json::parse(line);
        for (nlohmann::json turn : sample["turns"]) {
          turn.erase("latency_ms");
          turns[streamed].push_back(turn);
        }
      }
    }
    EXPECT_EQ(turns[0].size(), 12u);
    ASSERT_EQ(turns[1].size(), turns[0].size());
    for (size_t i = 0; i < turns[0].size(); ++i) {
      EXPECT_EQ(turns[1][i].dump(), turns[0][i].dump()) << "turn " << i;
    }
  }
  const auto streamed_db = dir / "openai1.db";
  EXPECT_EQ(ParseJson(Afbench({"runs", "--json", "--db", streamed_db.string()}))[0]["status"],
            "completed");
  // Streaming is a safe flag on resume, either way.
  for (const char* flag : {"--no-stream", "--stream"}) {
    auto resumed =
        Afbench({"run", "--resume", NewestRunId(streamed_db), flag, "--db", streamed_db.string()});
    EXPECT_EQ(resumed.exit_code, 0) << flag << ": " << resumed.err;
  }
}

TEST(RunE2e, AMalformedDatasetNamesFileAndLineAndStartsNoRun) {
  auto dir = MakeTempDir();
  auto dataset = dir / "broken.csv";
  WriteFile(dataset, "goal,target\n\"fine\",x\n\"never closed,x\n");
  auto db = dir / "afbench.db";
  auto run = Afbench({"run", "--model", "openai/m", "--base-url", "http://127.0.0.1:9/v1",
                      "--dataset", dataset.string(), "--db", db.string(), "-q"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("broken.csv:3"), std::string::npos) << run.err;
  auto runs = Afbench({"runs", "--json", "--db", db.string()});
  EXPECT_TRUE(ParseJson(runs).empty());
}

TEST(RunE2e, UsageErrorsExitWithTwoAndNameTheProblem) {
  auto run = Afbench({"run", "--model", "nosuch/model", "--dataset", AdvBench()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("nosuch"), std::string::npos) << run.err;
  auto summary = Afbench({"summary", "--db", (MakeTempDir() / "none.db").string()});
  EXPECT_EQ(summary.exit_code, 2);
  EXPECT_NE(summary.err.find("does not exist"), std::string::npos);
}

TEST(RunE2e, AnUnreachableServerStopsTheRunWithoutACrashOrAResult) {
  auto dir = MakeTempDir();
  auto db = dir / "afbench.db";
  auto run =
      Afbench({"run", "--model", "openai/m", "--base-url", "http://127.0.0.1:9/v1", "--dataset",
               AdvBench(), "--limit", "2", "--max-attempts", "2", "--db", db.string(), "-q"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("stopped starting samples: openai/m"), std::string::npos) << run.err;
  auto summary = ParseJson(Afbench({"summary", "--json", "--db", db.string()}));
  // The failures before the breaker opened are stored as errors (at most 2), the rest not at all.
  const auto& errors = summary["tiers"]["free"]["outcomes"]["error"];
  EXPECT_TRUE(errors.is_null() || errors.get<int>() <= 2) << errors;
  EXPECT_TRUE(summary["tiers"]["free"]["n"].is_null() || summary["tiers"]["free"]["n"] == 0);
  EXPECT_EQ(ParseJson(Afbench({"runs", "--json", "--db", db.string()}))[0]["status"], "failed");
}

}  // namespace
}  // namespace afbench::testing

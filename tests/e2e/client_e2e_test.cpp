// End-to-end tests of the model client's promises (docs/reliability.md): a judge's labelling killed
// with SIGKILL pays no stored vote again and reaches the uninterrupted labels; a run against a dead
// server is not stored as a result and resumes to the uninterrupted figures; one writer per Run;
// --rpm caps judges.
#include <signal.h>
#include <sqlite3.h>

#include <thread>

#include "e2e/e2e_fixture.h"

namespace afbench::testing {
namespace {

// A fresh folder for one server's files.
std::filesystem::path Folder(const std::filesystem::path& path) {
  std::filesystem::create_directories(path);
  return path;
}

std::string AdvBench() { return (SharedDir() / "data/advbench_harmful_behaviors.csv").string(); }

// Rows of one query against `db`, each row's columns joined with '|'.
std::vector<std::string> Rows(const std::filesystem::path& db, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db;
    sqlite3_close(handle);
    return rows;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(handle);
  }
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(statement); ++c) {
      const unsigned char* text = sqlite3_column_text(statement, c);
      row += (c > 0 ? "|" : "") +
             std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return rows;
}

// The request ids of the judge calls stored in `db`, as the client sends them.
std::set<std::string> StoredCallIds(const std::filesystem::path& db) {
  auto rows = Rows(db,
                   "SELECT caller || '/q' || query_index || '/' || tier || '/e' || epoch || '/' || "
                   "call FROM model_calls");
  return {rows.begin(), rows.end()};
}

std::vector<std::string> Labels(const std::filesystem::path& db, const std::string& classifier) {
  return Rows(db,
              "SELECT query_index, tier, epoch, value, score FROM labels WHERE classifier_id "
              "= '" +
                  classifier + "' ORDER BY query_index, tier, epoch");
}

std::vector<std::string> RunArgs(const std::string& url, const std::filesystem::path& db,
                                 const std::string& limit) {
  return {"run",     "--model", "openai/scripted", "--base-url", url,    "--dataset", AdvBench(),
          "--limit", limit,     "--seed",          "3",          "--db", db.string(), "-q"};
}

std::vector<std::string> ClassifyArgs(const std::string& url, const std::filesystem::path& db) {
  return {"classify",
          "--classifier",
          "af-majority-vote",
          "--judge",
          "openai/judge",
          "--judge-base-url",
          url,
          "--votes",
          "6",
          "--max-connections",
          "2",
          "--db",
          db.string()};
}

TEST(ClientE2e, AKilledMajorityVoteLabellingResumesWithoutRepayingAStoredVote) {
  auto dir = MakeTempDir();
  FakeServer fast(Folder(dir / "fast"));
  auto db = dir / "killed.db";
  ASSERT_EQ(Afbench(RunArgs(fast.OpenAiUrl(), db, "6")).exit_code, 0);
  auto clean_db = dir / "clean.db";
  std::filesystem::copy_file(db, clean_db);
  auto clean = Afbench(ClassifyArgs(fast.OpenAiUrl(), clean_db));
  ASSERT_EQ(clean.exit_code, 0) << clean.err;

  FakeServer slow(Folder(dir / "slow"), {"--delay-ms", "40"});
  SubprocessOptions options = AfbenchOptions(ClassifyArgs(slow.OpenAiUrl(), db));
  options.stdout_path = dir / "killed.out";
  options.stderr_path = dir / "killed.err";
  Subprocess labelling(options);
  for (int i = 0; i < 200 && StoredCallIds(db).size() < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  labelling.Signal(SIGKILL);
  ASSERT_EQ(labelling.Wait(std::chrono::seconds(10)), 128 + SIGKILL);
  const std::set<std::string> stored = StoredCallIds(db);
  const size_t mark = slow.RequestIds().size();
  ASSERT_GE(stored.size(), 20u);
  ASSERT_LT(stored.size(), 72u) << "the labelling finished before the kill";

  auto resumed = Afbench(ClassifyArgs(slow.OpenAiUrl(), db));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto ids = slow.RequestIds();
  for (size_t i = mark; i < ids.size(); ++i) {
    EXPECT_FALSE(stored.contains(ids[i])) << "re-requested " << ids[i];
  }
  // 12 samples x 6 votes, each sent once; the server may log the (unstored) requests that were in
  // flight at the kill after the mark.
  EXPECT_GE(ids.size() - mark, 72 - stored.size());
  EXPECT_LE(ids.size() - mark, 72 - stored.size() + 2);
  EXPECT_NE(resumed.out.find("answered from the store"), std::string::npos) << resumed.out;
  EXPECT_EQ(Labels(db, "af-majority-vote"), Labels(clean_db, "af-majority-vote"));
  EXPECT_EQ(Labels(db, "af-majority-vote").size(), 12u);
}

TEST(ClientE2e, ADeadServerIsNoResultAndAResumeAfterItReturnsGivesTheUninterruptedFigures) {
  auto dir = MakeTempDir();
  std::string url;
  {
    FakeServer gone(Folder(dir / "gone"));
    url = gone.OpenAiUrl();
  }
  auto db = dir / "outage.db";
  auto args = RunArgs(url, db, "5");
  args.insert(args.end(), {"--max-attempts", "1"});
  auto down = Afbench(args);
  EXPECT_NE(down.exit_code, 0);
  EXPECT_NE(down.err.find("stopped starting samples"), std::string::npos) << down.err;
  const std::string run_id = NewestRunId(db);
  auto runs = ParseJson(Afbench({"runs", "--json", "--db", db.string()}));
  EXPECT_NE(runs[0]["status"], "completed");

  const std::string port = url.substr(url.rfind(':') + 1, url.find("/v1") - url.rfind(':') - 1);
  FakeServer back(Folder(dir / "back"), {"--port", port});
  auto resumed = Afbench({"run", "--resume", run_id, "--db", db.string(), "-q"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto after = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));

  auto clean_db = dir / "clean.db";
  ASSERT_EQ(Afbench(RunArgs(back.OpenAiUrl(), clean_db, "5")).exit_code, 0);
  auto clean = ParseJson(Afbench({"summary", "--json", "--db", clean_db.string()}));
  EXPECT_EQ(after["samples"]["completed"], 10);
  EXPECT_EQ(after["tiers"], clean["tiers"]);
  EXPECT_EQ(after["gap"], clean["gap"]);
  runs = ParseJson(Afbench({"runs", "--json", "--db", db.string()}));
  EXPECT_EQ(runs[0]["status"], "completed");
}

TEST(ClientE2e, SamplesEndingInErrorMakeTheRunIncompleteAndAResumeSendsThemAgain) {
  auto dir = MakeTempDir();
  // Every fourth request fails with a 500; one attempt each, so some Samples end in error.
  FakeServer flaky(Folder(dir / "flaky"), {"--fail-every", "4"});
  auto db = dir / "flaky.db";
  auto args = RunArgs(flaky.OpenAiUrl(), db, "4");
  args.insert(args.end(), {"--max-attempts", "1", "--max-connections", "1"});
  auto first = Afbench(args);
  EXPECT_EQ(first.exit_code, 1) << first.err;
  EXPECT_NE(first.err.find("incomplete"), std::string::npos) << first.err;
  auto runs = ParseJson(Afbench({"runs", "--json", "--db", db.string()}));
  EXPECT_EQ(runs[0]["status"], "incomplete");
  const std::string run_id = NewestRunId(db);
  for (int i = 0; i < 5; ++i) {
    auto again = Afbench({"run", "--resume", run_id, "--db", db.string(), "-q"});
    if (again.exit_code == 0) break;
  }
  auto summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 8);
  EXPECT_EQ(summary["tiers"]["free"]["outcomes"]["error"], 0);
  EXPECT_EQ(ParseJson(Afbench({"runs", "--json", "--db", db.string()}))[0]["status"], "completed");
}

TEST(ClientE2e, ResumeRefusesAFlagThatChangesResultsAndAppliesANewBaseUrl) {
  auto dir = MakeTempDir();
  std::string dead;
  {
    FakeServer gone(Folder(dir / "gone"));
    dead = gone.OpenAiUrl();
  }
  auto db = dir / "moved.db";
  auto args = RunArgs(dead, db, "3");
  args.insert(args.end(), {"--max-attempts", "1"});
  EXPECT_NE(Afbench(args).exit_code, 0);
  const std::string run_id = NewestRunId(db);
  auto refused = Afbench({"run", "--resume", run_id, "--temperature", "0", "--db", db.string()});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--temperature"), std::string::npos) << refused.err;
  FakeServer moved(Folder(dir / "moved"));
  auto resumed = Afbench({"run", "--resume", run_id, "--base-url", moved.OpenAiUrl(), "--rpm",
                          "600", "--db", db.string(), "-q"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resume applies --base-url, --rpm"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("sending to " + moved.OpenAiUrl()), std::string::npos);
  auto summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 6);
}

TEST(ClientE2e, ARefusedRunLeavesNoRunningRow) {
  auto dir = MakeTempDir();
  auto db = dir / "refused.db";
  auto refused = Afbench(RunArgs("ftp://127.0.0.1/v1", db, "2"));
  EXPECT_NE(refused.exit_code, 0);
  auto nan = Afbench({"run", "--model", "openai/m", "--dataset", AdvBench(), "--temperature", "nan",
                      "--db", db.string()});
  EXPECT_EQ(nan.exit_code, 2) << nan.err;
  if (std::filesystem::exists(db)) {
    EXPECT_TRUE(ParseJson(Afbench({"runs", "--json", "--db", db.string()})).empty());
  }
}

// An incomplete Run (its server was down) whose resume can then be started against `url`.
std::string IncompleteRun(const std::filesystem::path& dir, const std::filesystem::path& db) {
  std::string dead;
  {
    FakeServer gone(Folder(dir / "gone"));
    dead = gone.OpenAiUrl();
  }
  auto args = RunArgs(dead, db, "6");
  args.insert(args.end(), {"--max-attempts", "1"});
  EXPECT_NE(Afbench(args).exit_code, 0);
  return NewestRunId(db);
}

std::unique_ptr<Subprocess> StartResume(const std::filesystem::path& dir,
                                        const std::filesystem::path& db, const std::string& run_id,
                                        const std::string& url) {
  SubprocessOptions options = AfbenchOptions({"run", "--resume", run_id, "--base-url", url,
                                              "--max-connections", "1", "--db", db.string(), "-q"});
  options.stdout_path = dir / "first.out";
  options.stderr_path = dir / "first.err";
  return std::make_unique<Subprocess>(options);
}

void WaitForRequests(const FakeServer& server, size_t count) {
  for (int i = 0; i < 500 && server.RequestIds().size() < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TEST(ClientE2e, ASecondResumeOfARunBeingWrittenIsRefusedAndNothingIsPaidTwice) {
  auto dir = MakeTempDir();
  auto db = dir / "twice.db";
  const std::string run_id = IncompleteRun(dir, db);
  FakeServer slow(Folder(dir / "slow"), {"--delay-ms", "150"});
  auto first = StartResume(dir, db, run_id, slow.OpenAiUrl());
  WaitForRequests(slow, 1);
  ASSERT_GE(slow.RequestIds().size(), 1u);
  auto second =
      Afbench({"run", "--resume", run_id, "--base-url", slow.OpenAiUrl(), "--db", db.string()});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("is being written by process"), std::string::npos) << second.err;
  ASSERT_EQ(first->Wait(std::chrono::seconds(60)), 0);
  const auto ids = slow.RequestIds();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size())
      << "a request was sent twice";
  FakeServer clean(Folder(dir / "clean"));
  ASSERT_EQ(Afbench(RunArgs(clean.OpenAiUrl(), dir / "clean.db", "6")).exit_code, 0);
  EXPECT_EQ(ids.size(), clean.RequestIds().size()) << "the uninterrupted run's requests, once each";
  auto summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 12);
}

TEST(ClientE2e, TheLeaseOfAKilledWriterIsTakenOverAtOnce) {
  auto dir = MakeTempDir();
  auto db = dir / "killed.db";
  const std::string run_id = IncompleteRun(dir, db);
  FakeServer slow(Folder(dir / "slow"), {"--delay-ms", "150"});
  auto first = StartResume(dir, db, run_id, slow.OpenAiUrl());
  WaitForRequests(slow, 1);
  first->Signal(SIGKILL);
  ASSERT_EQ(first->Wait(std::chrono::seconds(10)), 128 + SIGKILL);
  auto resumed = Afbench(
      {"run", "--resume", run_id, "--base-url", slow.OpenAiUrl(), "--db", db.string(), "-q"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 12);
}

TEST(ClientE2e, AResumeImportsTheJournalOfUnsavedRepliesAndDoesNotRequestThemAgain) {
  auto dir = MakeTempDir();
  auto db = dir / "journal.db";
  const std::string run_id = IncompleteRun(dir, db);
  // What the client appends when a commit keeps failing (docs/store-format.md).
  WriteFile(db.string() + ".unsaved.jsonl",
            R"({"kind":"turn","run_id":")" + run_id +
                R"(","sample":{"query_index":0,"tier":"free","epoch":0},"index":0,)"
                R"("request":"q","prefill":"","response":"<OUTPUT><rejected/></OUTPUT>",)"
                R"("finish_reason":"stop","usage":[10,5,0,0],"latency_ms":3,"attempts":1})"
                "\n");
  FakeServer server(Folder(dir / "server"));
  auto resumed = Afbench(
      {"run", "--resume", run_id, "--base-url", server.OpenAiUrl(), "--db", db.string(), "-q"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("imported 1 unsaved replies"), std::string::npos) << resumed.err;
  for (const std::string& id : server.RequestIds()) {
    EXPECT_FALSE(id.starts_with(run_id + "/q0/free/e0/")) << "re-requested " << id;
  }
  auto summary = ParseJson(Afbench({"summary", run_id, "--json", "--db", db.string()}));
  EXPECT_EQ(summary["samples"]["completed"], 12);
  EXPECT_EQ(ReadFile(db.string() + ".unsaved.jsonl"), "");
}

TEST(ClientE2e, RpmCapsJudgeTraffic) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  auto db = dir / "rpm.db";
  ASSERT_EQ(Afbench(RunArgs(server.OpenAiUrl(), db, "1")).exit_code, 0);
  const size_t before = server.RequestIds().size();
  auto args = ClassifyArgs(server.OpenAiUrl(), db);
  args.insert(args.end(), {"--rpm", "5"});
  SubprocessOptions options = AfbenchOptions(args);
  options.stdout_path = dir / "rpm.out";
  options.stderr_path = dir / "rpm.err";
  Subprocess labelling(options);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const size_t sent = server.RequestIds().size() - before;
  labelling.Signal(SIGINT);
  EXPECT_EQ(labelling.Wait(std::chrono::seconds(20)), 130);
  EXPECT_EQ(sent, 5u) << "12 votes were due; --rpm 5 lets 5 through in the first minute";
}

}  // namespace
}  // namespace afbench::testing

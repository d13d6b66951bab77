#include "afbench/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <thread>

#include "support/test_paths.h"

namespace afbench {
namespace {

using testing::MakeTempDir;
using testing::ReadFile;
using testing::WriteFile;

RunRecord MakeRun(const std::string& id, const std::string& created_at) {
  RunRecord run;
  run.run_id = id;
  run.created_at = created_at;
  run.status = "running";
  run.model = "openai/test";
  run.scenario = "helpful-only";
  run.prompt_hash = "abc";
  run.afbench_version = "0.1.0";
  run.git_commit = "deadbeef";
  run.seed = 0xfedcba9876543210ULL;  // above INT64_MAX: must survive the signed column
  run.config_json = "{}";
  run.system_prompt = "system";
  return run;
}

Turn MakeTurn(int index, const std::string& response) {
  Turn turn;
  turn.index = index;
  turn.request = index == 0 ? "query" : "<NEXT/>";
  turn.response = response;
  turn.finish_reason = "stop";
  turn.usage = {100, 20, 80, 0};
  turn.latency_ms = 5;
  turn.served_model = "gpt-4o-2024-08-06";
  return turn;
}

std::unique_ptr<Store> OpenStore(const std::filesystem::path& path) {
  auto store = Store::Open(path.string());
  EXPECT_TRUE(store.has_value()) << store.error().message;
  return store ? std::move(*store) : nullptr;
}

TEST(Store, RoundTripsRunsQueriesTurnsSamplesAndLabels) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE(
      store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}, {1, "q1", 3}}));
  SampleKey key{1, Tier::kPaid, 0};
  std::string binary_response("a\0b<OUTPUT>", 11);
  ASSERT_TRUE(store->SaveTurn("r1", key, MakeTurn(0, "<SCRATCHPAD_REASONING>x"), 3));
  ASSERT_TRUE(store->SaveTurn("r1", key, MakeTurn(1, binary_response), 1));

  Transcript transcript;
  transcript.key = key;
  transcript.outcome = Outcome::kOutput;
  transcript.outcome_reason = "ok";
  transcript.output = "<rejected/>";
  Label label{"compliance-tag", "1", false, 0.0, R"({"tag":"rejected"})"};
  ASSERT_TRUE(store->SaveSample("r1", transcript, "user turn", {label}, 2));

  auto run = store->LoadRun("r1");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->seed, 0xfedcba9876543210ULL);
  auto samples = store->LoadSamples("r1");
  ASSERT_TRUE(samples.has_value());
  ASSERT_EQ(samples->size(), 1u);
  const StoredSample& sample = samples->front();
  EXPECT_EQ(sample.transcript.query, "q1");
  EXPECT_EQ(sample.transcript.outcome, Outcome::kOutput);
  ASSERT_EQ(sample.transcript.turns.size(), 2u);
  EXPECT_EQ(sample.transcript.turns[1].response, binary_response);
  EXPECT_EQ(sample.transcript.turns[0].usage.cache_read_tokens, 80);
  EXPECT_EQ(sample.transcript.turns[0].served_model, "gpt-4o-2024-08-06");
  EXPECT_EQ(sample.attempts, 3 + 1 + 2);
  ASSERT_EQ(sample.labels.size(), 1u);
  EXPECT_EQ(sample.labels[0].value, false);
  EXPECT_EQ(sample.user_turn, "user turn");
}

TEST(Store, LoadTurnFindsOnlyTheStoredTurn) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}}));
  SampleKey key{0, Tier::kFree, 1};
  ASSERT_TRUE(store->SaveTurn("r1", key, MakeTurn(0, "hello"), 1));
  auto found = store->LoadTurn("r1", key, 0);
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->response, "hello");
  EXPECT_EQ((*found)->served_model, "gpt-4o-2024-08-06");
  EXPECT_FALSE(store->LoadTurn("r1", key, 1)->has_value());
  EXPECT_FALSE(store->LoadTurn("r1", SampleKey{0, Tier::kFree, 0}, 0)->has_value());
  EXPECT_FALSE(store->LoadTurn("r1", SampleKey{0, Tier::kPaid, 1}, 0)->has_value());
}

TEST(Store, KeepsTheThreeTiersOfOneQueryApartAndStoresTheirNames) {
  const std::filesystem::path path = MakeTempDir() / "afbench.db";
  auto store = OpenStore(path);
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}}));
  for (Tier tier : {Tier::kPaid, Tier::kPro, Tier::kFree}) {
    const SampleKey key{0, tier, 0};
    ASSERT_TRUE(store->SaveTurn("r1", key, MakeTurn(0, std::string("reply ") + TierName(tier)), 1));
    Transcript transcript;
    transcript.key = key;
    transcript.outcome = Outcome::kOutput;
    ASSERT_TRUE(store->SaveSample("r1", transcript, std::string("turn ") + TierName(tier),
                                  {{"compliance-tag", "1", tier == Tier::kPro, 0.0, "{}"}}, 1));
  }
  EXPECT_EQ((*store->LoadTurn("r1", SampleKey{0, Tier::kPro, 0}, 0))->response, "reply pro");
  ASSERT_TRUE(store->AddLabel("r1", {0, Tier::kPro, 0}, {"j", "1", false, 0.0, "{}"}));
  auto samples = store->LoadSamples("r1");
  ASSERT_TRUE(samples.has_value());
  ASSERT_EQ(samples->size(), 3u);
  std::map<Tier, const StoredSample*> by_tier;
  for (const StoredSample& sample : *samples) by_tier[sample.transcript.key.tier] = &sample;
  ASSERT_EQ(by_tier.size(), 3u);
  EXPECT_EQ(by_tier.at(Tier::kPro)->user_turn, "turn pro");
  EXPECT_EQ(by_tier.at(Tier::kPro)->transcript.turns.at(0).response, "reply pro");
  ASSERT_EQ(by_tier.at(Tier::kPro)->labels.size(), 2u);
  EXPECT_EQ(by_tier.at(Tier::kPro)->labels[0].value, true);
  EXPECT_EQ(by_tier.at(Tier::kFree)->labels.size(), 1u);
  EXPECT_EQ(by_tier.at(Tier::kFree)->user_turn, "turn free");
  store.reset();

  // The tier column holds the names: "free" and "paid" stay as before, the new one is "pro".
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.string().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db, "SELECT group_concat(tier, ',') FROM (SELECT tier FROM samples ORDER BY tier)",
                -1, &statement, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "free,paid,pro");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(Store, RefusesToStoreTheSameTurnOrSampleTwice) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}}));
  SampleKey key{0, Tier::kFree, 0};
  ASSERT_TRUE(store->SaveTurn("r1", key, MakeTurn(0, "a"), 1));
  EXPECT_FALSE(store->SaveTurn("r1", key, MakeTurn(0, "b"), 1));
  Transcript transcript;
  transcript.key = key;
  transcript.outcome = Outcome::kOutput;
  ASSERT_TRUE(store->SaveSample("r1", transcript, "", {}, 0));
  EXPECT_FALSE(store->SaveSample("r1", transcript, "", {}, 0));
  EXPECT_EQ((*store->LoadTurn("r1", key, 0))->response, "a");
}

TEST(Store, ReplacesOnlyAnErroredSampleAddingItsFailedAttempts) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}}));
  Transcript failed;
  failed.key = {0, Tier::kFree, 0};
  failed.outcome = Outcome::kError;
  ASSERT_TRUE(store->SaveSample("r1", failed, "", {{"a", "1", std::nullopt, 0.0, "{}"}}, 4));
  EXPECT_TRUE(store->CompletedSamples("r1")->empty());  // an error is not completed
  Transcript done = failed;
  done.outcome = Outcome::kOutput;
  ASSERT_TRUE(store->SaveSample("r1", done, "", {{"a", "1", true, 1.0, "{}"}}, 1));
  auto samples = store->LoadSamples("r1");
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_EQ((*samples)[0].transcript.outcome, Outcome::kOutput);
  EXPECT_EQ((*samples)[0].attempts, 5);
  ASSERT_EQ((*samples)[0].labels.size(), 1u);  // the errored sample's label went with it
  EXPECT_EQ((*samples)[0].labels[0].value, true);
  EXPECT_EQ(store->CompletedSamples("r1")->size(), 1u);
}

TEST(Store, AddsLabelsBesideOldOnesWithoutReplacing) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}}));
  Transcript transcript;
  transcript.key = {0, Tier::kFree, 0};
  ASSERT_TRUE(store->SaveSample("r1", transcript, "", {{"a", "1", true, 1.0, "{}"}}, 0));
  ASSERT_TRUE(store->AddLabel("r1", transcript.key, {"a", "2", std::nullopt, 0.5, "{}"}));
  auto samples = store->LoadSamples("r1");
  ASSERT_EQ(samples->front().labels.size(), 2u);
  EXPECT_EQ(samples->front().labels[0].value, true);
  EXPECT_FALSE(samples->front().labels[1].value.has_value());
}

TEST(Store, ListsRunsNewestFirstAndUpdatesStatus) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store->CreateRun(MakeRun("old", "2026-01-01T00:00:00Z"), {}));
  ASSERT_TRUE(store->CreateRun(MakeRun("new", "2026-02-01T00:00:00Z"), {}));
  ASSERT_TRUE(store->SetRunStatus("old", "completed", true));
  auto runs = store->ListRuns();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].run_id, "new");
  EXPECT_EQ((*runs)[1].status, "completed");
  EXPECT_FALSE((*runs)[1].finished_at.empty());
  EXPECT_EQ(store->LoadRun("missing").error().kind, ErrorKind::kNotFound);
}

TEST(Store, KeepsDataAcrossReopening) {
  auto path = MakeTempDir() / "afbench.db";
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {{0, "q0", 2}}));
  }
  auto store = OpenStore(path);
  EXPECT_EQ(store->LoadQueries("r1")->size(), 1u);
}

// Two processes opening one new file at once (a run starting while `afbench summary` watches, or
// two runs sharing a store): both see an empty file, and only one may create the tables.
TEST(Store, OpenersRacingOnANewFileAllSucceed) {
  const auto dir = MakeTempDir();
  constexpr int kFiles = 20;
  constexpr int kOpeners = 4;
  for (int file = 0; file < kFiles; ++file) {
    const std::string path = (dir / ("race" + std::to_string(file) + ".db")).string();
    std::vector<std::string> errors(kOpeners);
    std::vector<std::thread> openers;
    for (int i = 0; i < kOpeners; ++i) {
      openers.emplace_back([&, i] {
        auto store = Store::Open(path);
        if (!store) errors[i] = store.error().message;
      });
    }
    for (std::thread& opener : openers) opener.join();
    for (const std::string& error : errors) EXPECT_EQ(error, "") << path;
    EXPECT_TRUE(OpenStore(path)->CreateRun(MakeRun("r1", "2026-01-01T00:00:00Z"), {}));
  }
}

TEST(Store, RefusesAFileThatIsNotADatabaseAndLeavesItUntouched) {
  auto path = MakeTempDir() / "notes.db";
  std::string content(4096, 'x');
  WriteFile(path, content);
  auto store = Store::Open(path.string());
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message.find("not an afbench database"), std::string::npos);
  EXPECT_EQ(ReadFile(path), content);
}

TEST(Store, RefusesAnotherApplicationsSqliteDatabase) {
  auto path = MakeTempDir() / "other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::Open(path.string());
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message.find("another application"), std::string::npos);
}

TEST(Store, RefusesAStoreFromANewerAfbench) {
  auto path = MakeTempDir() / "afbench.db";
  { OpenStore(path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::Open(path.string());
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message.find("upgrade afbench"), std::string::npos);
}

TEST(Store, ImportsItsJournalOnceAndKeepsAnUnreadableLineNamingIt) {
  auto path = MakeTempDir() / "afbench.db";
  auto store = OpenStore(path);
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-12-03T00:00:00Z"), {}));
  const Turn turn = MakeTurn(0, "journaled \n\"reply\"");
  ASSERT_TRUE(store->JournalTurn("r1", {2, Tier::kPaid, 1}, turn, 3));
  ModelCallKey key{"r1", "judge/j/1", {2, Tier::kPaid, 1}, "v1/p0", "abc"};
  StoredModelCall call;
  call.generation.text = "vote";
  call.generation.finish = FinishReason::kLength;
  call.model = "openai/judge";
  call.attempts = 2;
  ASSERT_TRUE(store->JournalModelCall(key, call));
  {
    std::ofstream torn(store->journal_path(), std::ios::app);
    torn << "{\"kind\":\"turn\",\"run_id\":\"r1\"";  // a line cut off by a crash
  }
  EXPECT_EQ(store->journal_path(), path.string() + ".unsaved.jsonl");
  auto imported = store->ImportJournal();
  ASSERT_TRUE(imported.has_value()) << imported.error().message;
  EXPECT_EQ(imported->imported, 2);
  ASSERT_EQ(imported->unreadable.size(), 1u);
  EXPECT_NE(imported->unreadable[0].find(".unsaved.jsonl:3: "), std::string::npos)
      << imported->unreadable[0];
  auto loaded = store->LoadTurn("r1", {2, Tier::kPaid, 1}, 0);
  ASSERT_TRUE(loaded.has_value() && loaded->has_value());
  EXPECT_EQ((*loaded)->response, turn.response);
  EXPECT_EQ((*loaded)->usage.input_tokens, turn.usage.input_tokens);
  EXPECT_EQ((*loaded)->served_model, turn.served_model);
  auto stored_call = store->LoadModelCall(key);
  ASSERT_TRUE(stored_call.has_value() && stored_call->has_value());
  EXPECT_EQ((*stored_call)->generation.text, "vote");
  EXPECT_EQ((*stored_call)->generation.finish, FinishReason::kLength);
  EXPECT_EQ((*stored_call)->attempts, 2);
  // The imported lines are gone; the torn one stays for a person to look at.
  auto again = store->ImportJournal();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->imported, 0);
  EXPECT_EQ(again->unreadable.size(), 1u);
  EXPECT_EQ(ReadFile(store->journal_path()).find("journaled"), std::string::npos);
}

TEST(Store, AnImportSkipsWhatIsStoredAlready) {
  auto store = OpenStore(MakeTempDir() / "afbench.db");
  ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-12-03T00:00:00Z"), {}));
  ASSERT_TRUE(store->SaveTurn("r1", {0, Tier::kFree, 0}, MakeTurn(0, "stored"), 1));
  ASSERT_TRUE(store->JournalTurn("r1", {0, Tier::kFree, 0}, MakeTurn(0, "journaled"), 1));
  auto imported = store->ImportJournal();
  ASSERT_TRUE(imported.has_value()) << imported.error().message;
  EXPECT_EQ(imported->imported, 0);
  EXPECT_EQ(imported->already_stored, 1);
  EXPECT_EQ((*store->LoadTurn("r1", {0, Tier::kFree, 0}, 0))->response, "stored");
}

TEST(Store, UpgradesAnOlderFormatInPlaceKeepingItsRuns) {
  auto path = MakeTempDir() / "afbench.db";
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-12-03T00:00:00Z"), {}).has_value());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE model_calls; DROP TABLE leases; PRAGMA user_version = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(path);
  auto runs = store->ListRuns();
  ASSERT_TRUE(runs.has_value());
  ASSERT_EQ(runs->size(), 1u);
  const LeaseHolder me{"owner", "host", 1, 0};
  auto taken = store->AcquireLease("run/r1", me, [](const LeaseHolder&) { return false; });
  ASSERT_TRUE(taken.has_value()) << taken.error().message;
  EXPECT_FALSE(taken->has_value());
  EXPECT_TRUE(store->CountModelCalls("r1", "judge/").has_value());
}

// Format 3 had no turns.served_model: its turns read back with an empty one, new turns keep theirs.
TEST(Store, UpgradesFormatThreeTurnsWithAnEmptyServedModel) {
  auto path = MakeTempDir() / "afbench.db";
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store->CreateRun(MakeRun("r1", "2026-12-03T00:00:00Z"), {{0, "q", 1}}));
    ASSERT_TRUE(store->SaveTurn("r1", {0, Tier::kFree, 0}, MakeTurn(0, "old"), 1));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE turns DROP COLUMN served_model; PRAGMA user_version = 3",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(path);
  auto old = store->LoadTurn("r1", {0, Tier::kFree, 0}, 0);
  ASSERT_TRUE(old.has_value() && old->has_value()) << (old ? "" : old.error().message);
  EXPECT_EQ((*old)->response, "old");
  EXPECT_EQ((*old)->served_model, "");
  ASSERT_TRUE(store->SaveTurn("r1", {0, Tier::kPaid, 0}, MakeTurn(0, "new"), 1));
  EXPECT_EQ((*store->LoadTurn("r1", {0, Tier::kPaid, 0}, 0))->served_model, "gpt-4o-2024-08-06");
}

}  // namespace
}  // namespace afbench

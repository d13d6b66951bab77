#include "afbench/runner.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "afbench/compliance.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

// Plays a two-turn scripted model: a scratchpad, then an output whose tag depends on the tier tag.
// Failures can be injected per request id.
class FakeBackend : public Backend {
 public:
  Result<Generation> Generate(const Conversation& conversation,
                              const GenerateRequest& request) override {
    std::lock_guard lock(mutex_);
    request_ids_.push_back(request.request_id);
    seeds_[request.request_id] = request.sampling.seed.value_or(0);
    if (fail_everything_ || failures_left_[request.request_id] > 0) {
      failures_left_[request.request_id]--;
      Error error{failure_kind_, "backend: fake: scripted failure", std::nullopt};
      error.permanent = permanent_;
      return Unexpected{error};
    }
    Generation generation;
    generation.usage = {10, 5, 0, 0};
    if (conversation.messages.size() == 1) {
      generation.text = "<SCRATCHPAD_REASONING>thinking</SCRATCHPAD_REASONING>";
    } else {
      bool free = conversation.messages[0].content.find("free") != std::string::npos;
      generation.text =
          free ? "<OUTPUT><request_fully_accepted/> ok</OUTPUT>" : "<OUTPUT><rejected/></OUTPUT>";
    }
    return generation;
  }

  void FailTimes(const std::string& request_id, int times, ErrorKind kind, bool permanent = false) {
    std::lock_guard lock(mutex_);
    failures_left_[request_id] = times;
    failure_kind_ = kind;
    permanent_ = permanent;
  }
  void FailEverything(bool fail) {
    std::lock_guard lock(mutex_);
    fail_everything_ = fail;
  }
  void ClearFailures() {
    std::lock_guard lock(mutex_);
    failures_left_.clear();
  }
  std::vector<std::string> request_ids() {
    std::lock_guard lock(mutex_);
    return request_ids_;
  }
  std::map<std::string, uint64_t> seeds() {
    std::lock_guard lock(mutex_);
    return seeds_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> request_ids_;
  std::map<std::string, uint64_t> seeds_;
  std::map<std::string, int> failures_left_;
  ErrorKind failure_kind_ = ErrorKind::kTransient;
  bool permanent_ = false;
  bool fail_everything_ = false;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = NewStore();
    for (int q = 0; q < 3; ++q) {
      for (Tier tier : {Tier::kFree, Tier::kPaid}) {
        plan_.push_back({{q, tier, 0}, "query " + std::to_string(q), TierName(tier)});
      }
    }
    options_.max_connections = 3;
    client_options_.model = "fake/model";
    client_options_.retry.base_delay_ms = 1;
    client_options_.retry.max_attempts = 3;
    options_.sampling.seed = 42;
    options_.classifiers = {&compliance_};
  }

  // A new store holding the Run "run" with queries 0-2.
  static std::unique_ptr<Store> NewStore() {
    auto store = Store::Open((testing::MakeTempDir() / "afbench.db").string());
    EXPECT_TRUE(store.has_value()) << store.error().message;
    RunRecord run;
    run.run_id = "run";
    run.status = "running";
    std::vector<StoredQuery> queries;
    for (int q = 0; q < 3; ++q) queries.push_back({q, "query " + std::to_string(q), q + 2});
    EXPECT_TRUE((*store)->CreateRun(run, queries));
    return std::move(*store);
  }

  Result<Progress> Execute() { return ExecuteWith(backend_); }
  Result<Progress> ExecuteWith(Backend& backend) {
    client_options_.cancel = options_.cancel;
    ModelClient client(backend, client_options_);
    return ExecuteRun(*store_, client, "run", "system", plan_, options_);
  }

  std::unique_ptr<Store> store_;
  FakeBackend backend_;
  ModelClientOptions client_options_;
  ComplianceTagClassifier compliance_;
  std::vector<PlannedSample> plan_;
  RunnerOptions options_;
};

TEST_F(RunnerTest, CompletesEverySampleAndStoresTurnsAndLabels) {
  auto progress = Execute();
  ASSERT_TRUE(progress.has_value()) << progress.error().message;
  EXPECT_EQ(progress->done, 6);
  EXPECT_EQ(progress->requests, 12);
  EXPECT_EQ(progress->usage.input_tokens, 120);
  auto samples = store_->LoadSamples("run");
  ASSERT_EQ(samples->size(), 6u);
  for (const StoredSample& sample : *samples) {
    EXPECT_EQ(sample.transcript.outcome, Outcome::kOutput);
    EXPECT_EQ(sample.transcript.turns.size(), 2u);
    ASSERT_EQ(sample.labels.size(), 1u);
    EXPECT_EQ(sample.labels[0].value, sample.transcript.key.tier == Tier::kFree);
  }
}

TEST_F(RunnerTest, RetriesTransientFailuresAndCountsEveryAttempt) {
  backend_.FailTimes("run/q1/paid/e0/t1", 2, ErrorKind::kRateLimited);
  auto progress = Execute();
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ(progress->requests, 14);
  auto samples = store_->LoadSamples("run");
  ASSERT_TRUE(samples.has_value());
  for (const StoredSample& sample : *samples) {
    EXPECT_EQ(sample.transcript.outcome, Outcome::kOutput);
    if (sample.transcript.key == SampleKey{1, Tier::kPaid, 0}) {
      EXPECT_EQ(sample.attempts, 4);
    }
  }
}

TEST_F(RunnerTest, GivesUpAfterMaxAttemptsWithAStoredErrorOutcome) {
  backend_.FailTimes("run/q2/free/e0/t0", 10, ErrorKind::kTransient);
  auto progress = Execute();
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ(progress->outcomes[Outcome::kError], 1);
  auto samples = store_->LoadSamples("run");
  ASSERT_TRUE(samples.has_value());
  for (const StoredSample& sample : *samples) {
    if (sample.transcript.key == SampleKey{2, Tier::kFree, 0}) {
      EXPECT_EQ(sample.transcript.outcome, Outcome::kError);
      EXPECT_NE(sample.transcript.outcome_reason.find("after 3 attempt(s)"), std::string::npos);
      EXPECT_EQ(sample.attempts, 3);
    }
  }
}

TEST_F(RunnerTest, ResumeSendsAnErroredSampleAgainAndReplaysItsStoredTurns) {
  backend_.FailTimes("run/q2/free/e0/t1", 10, ErrorKind::kTransient);
  ASSERT_EQ(Execute()->outcomes[Outcome::kError], 1);
  backend_.ClearFailures();
  const size_t requests_before = backend_.request_ids().size();
  auto progress = Execute();
  ASSERT_TRUE(progress.has_value()) << progress.error().message;
  EXPECT_EQ(progress->resumed, 5);
  EXPECT_EQ(progress->outcomes[Outcome::kOutput], 1);
  EXPECT_EQ(progress->cached_turns, 1);  // its first turn was stored before the failure
  const auto ids = backend_.request_ids();
  ASSERT_EQ(ids.size(), requests_before + 1);
  EXPECT_EQ(ids.back(), "run/q2/free/e0/t1");
  auto samples = store_->LoadSamples("run");
  ASSERT_TRUE(samples.has_value());
  for (const StoredSample& sample : *samples) {
    EXPECT_EQ(sample.transcript.outcome, Outcome::kOutput);
    EXPECT_EQ(sample.labels.size(), 1u);
    // 3 failed attempts of the first try, then the first turn's request and the retried second.
    if (sample.transcript.key == SampleKey{2, Tier::kFree, 0}) {
      EXPECT_EQ(sample.attempts, 5);
    }
  }
}

TEST_F(RunnerTest, APermanentFailureStopsTheRunWithoutStoringTheSample) {
  options_.max_connections = 1;
  backend_.FailTimes("run/q1/free/e0/t0", 1, ErrorKind::kInvalidRequest, /*permanent=*/true);
  auto progress = Execute();
  ASSERT_FALSE(progress.has_value());
  EXPECT_EQ(progress.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(progress.error().message.find("scripted failure"), std::string::npos);
  EXPECT_EQ(store_->LoadSamples("run")->size(), 2u);  // query 0 in both tiers, before it
}

TEST_F(RunnerTest, CallsFailingInARowOpenTheBreakerAndLeaveTheRestForResume) {
  options_.max_connections = 1;
  client_options_.breaker.max_failed_calls = 2;
  backend_.FailEverything(true);
  auto progress = Execute();
  ASSERT_FALSE(progress.has_value());
  EXPECT_EQ(progress.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(progress.error().message.find("2 calls in a row"), std::string::npos);
  auto stored = store_->LoadSamples("run");
  ASSERT_EQ(stored->size(), 1u);  // the first failure is a result; the second opened the breaker
  EXPECT_EQ(backend_.request_ids().size(), 6u);
  backend_.FailEverything(false);
  auto resumed = Execute();
  ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
  EXPECT_EQ(resumed->outcomes[Outcome::kOutput], 6);
}

TEST_F(RunnerTest, StopsOnRejectedCredentialsWithoutStoringTheSample) {
  options_.max_connections = 1;
  backend_.FailTimes("run/q0/free/e0/t0", 1, ErrorKind::kAuth);
  auto progress = Execute();
  ASSERT_FALSE(progress.has_value());
  EXPECT_EQ(progress.error().kind, ErrorKind::kAuth);
  EXPECT_TRUE(store_->LoadSamples("run")->empty());
}

TEST_F(RunnerTest, ResumingReplaysStoredTurnsInsteadOfRequestingThem) {
  Turn stored;
  stored.index = 0;
  stored.request = "free";
  stored.response = "<SCRATCHPAD_REASONING>stored</SCRATCHPAD_REASONING>";
  stored.finish_reason = "stop";
  ASSERT_TRUE(store_->SaveTurn("run", {0, Tier::kFree, 0}, stored, 1));
  Transcript done;
  done.key = {1, Tier::kFree, 0};
  done.outcome = Outcome::kOutput;
  ASSERT_TRUE(store_->SaveSample("run", done, "free", {}, 0));

  auto progress = Execute();
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ(progress->resumed, 1);
  EXPECT_EQ(progress->cached_turns, 1);
  for (const std::string& id : backend_.request_ids()) {
    EXPECT_NE(id, "run/q0/free/e0/t0");
    EXPECT_EQ(id.find("run/q1/free/e0/"), std::string::npos);
  }
  EXPECT_EQ(backend_.request_ids().size(), 9u);
  EXPECT_EQ(store_->LoadSamples("run")->size(), 6u);
}

// Each failure a commit can hit, at each commit point of a Sample: the run stops without a result
// built on the lost commit, and a resume (which imports the journal) requests no reply again.
TEST_F(RunnerTest, AStoreFailureAtAnyCommitPointLosesNoReplyAndAResumeRequestsNoneAgain) {
  const std::vector<std::string> failures = {"database is locked", "database or disk is full",
                                             "disk I/O error"};
  for (const std::string commit : {"turn", "sample"}) {
    for (const std::string& failure : failures) {
      SCOPED_TRACE(commit + ": " + failure);
      store_ = NewStore();
      FakeBackend backend;
      std::atomic<int> commits{0};
      // The third commit of this kind and every one after it fail, as a full disk would.
      store_->SetCommitFaultForTesting([&](std::string_view point) -> Status {
        if (point != commit || ++commits < 3) return {};
        return Fail(ErrorKind::kIo, "store: " + failure);
      });
      client_options_.retry.max_attempts = 1;
      client_options_.sleep_ms = [](int64_t) {};  // the commit retries' backoff
      EXPECT_FALSE(ExecuteWith(backend).has_value()) << "a run that lost a commit is no result";
      const std::vector<std::string> first = backend.request_ids();
      EXPECT_LT(store_->LoadSamples("run")->size(), 6u);
      store_->SetCommitFaultForTesting(nullptr);
      auto imported = store_->ImportJournal();
      ASSERT_TRUE(imported.has_value()) << imported.error().message;
      EXPECT_EQ(imported->imported, commit == "turn" ? int64_t(first.size()) - 2 : 0);
      auto resumed = ExecuteWith(backend);
      ASSERT_TRUE(resumed.has_value()) << resumed.error().message;
      EXPECT_EQ(store_->LoadSamples("run")->size(), 6u);
      const std::vector<std::string> all = backend.request_ids();
      const std::set<std::string> unique(all.begin(), all.end());
      EXPECT_EQ(unique.size(), all.size()) << "a reply was requested twice";
      EXPECT_EQ(all.size(), 12u) << "2 turns x 6 samples, each once";
    }
  }
}

TEST_F(RunnerTest, CancellationLeavesUnfinishedSamplesForResume) {
  std::atomic<bool> cancel{true};
  options_.cancel = &cancel;
  auto progress = Execute();
  ASSERT_FALSE(progress.has_value());
  EXPECT_EQ(progress.error().kind, ErrorKind::kCancelled);
  EXPECT_TRUE(store_->LoadSamples("run")->empty());
}

TEST_F(RunnerTest, SendsTheSameDerivedSeedInBothTiersAndDifferentSeedsAcrossQueries) {
  ASSERT_TRUE(Execute().has_value());
  auto seeds = backend_.seeds();
  EXPECT_EQ(seeds["run/q0/free/e0/t0"], seeds["run/q0/paid/e0/t0"]);
  EXPECT_EQ(seeds["run/q0/free/e0/t0"], SampleSeed(42, {0, Tier::kFree, 0}));
  EXPECT_NE(seeds["run/q0/free/e0/t0"], seeds["run/q1/free/e0/t0"]);
  EXPECT_NE(SampleSeed(42, {0, Tier::kFree, 0}), SampleSeed(42, {0, Tier::kFree, 1}));
}

}  // namespace
}  // namespace afbench

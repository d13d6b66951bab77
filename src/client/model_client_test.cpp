#include "afbench/model_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <thread>
#include <vector>

#include "afbench/stored_call.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

// Answers from a script of results (the last one repeats) and records what it was sent.
class ScriptedBackend final : public Backend {
 public:
  explicit ScriptedBackend(std::vector<Result<Generation>> script) : script_(std::move(script)) {}

  Result<Generation> Generate(const Conversation&, const GenerateRequest& request) override {
    Result<Generation> out = Start(request);
    std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms_));
    std::lock_guard lock(mutex_);
    in_flight_--;
    return out;
  }

  size_t requests() {
    std::lock_guard lock(mutex_);
    return request_ids_.size();
  }
  int max_in_flight() {
    std::lock_guard lock(mutex_);
    return max_in_flight_;
  }
  int hold_ms_ = 0;

 private:
  Result<Generation> Start(const GenerateRequest& request) {
    std::lock_guard lock(mutex_);
    request_ids_.push_back(request.request_id);
    in_flight_++;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    return script_[std::min(next_++, script_.size() - 1)];
  }

  std::mutex mutex_;
  std::vector<Result<Generation>> script_;
  size_t next_ = 0;
  std::vector<std::string> request_ids_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

Result<Generation> Reply(const std::string& text) {
  Generation generation;
  generation.text = text;
  generation.usage = {7, 3, 0, 0};
  return generation;
}

Result<Generation> Failure(ErrorKind kind, std::optional<int64_t> retry_after_ms = std::nullopt,
                           bool permanent = false) {
  Error error{kind, "backend: scripted", retry_after_ms};
  error.permanent = permanent;
  return Unexpected{error};
}

// A slot in memory that can be told to fail its first commits.
class MemorySlot final : public CallSlot {
 public:
  Result<std::optional<Generation>> Load() override { return stored_; }
  Status Save(const Generation& generation, const CallStats& stats) override {
    saves_++;
    if (failing_saves_ > 0) {
      failing_saves_--;
      return Fail(ErrorKind::kIo, "store: database is locked");
    }
    stored_ = generation;
    attempts_ = stats.attempts;
    return {};
  }
  std::optional<Generation> stored_;
  int failing_saves_ = 0;
  int saves_ = 0;
  int64_t attempts_ = 0;
};

class ModelClientTest : public ::testing::Test {
 protected:
  ModelClientOptions Options() {
    ModelClientOptions options;
    options.model = "fake/judge";
    options.sleep_ms = [this](int64_t ms) { sleeps_.push_back(ms); };
    return options;
  }
  Conversation conversation_{"system", {{Role::kUser, "hello"}}};
  std::vector<int64_t> sleeps_;
};

TEST_F(ModelClientTest, CommitsANewReplyAndReplaysItWithoutSendingAgain) {
  ScriptedBackend backend({Reply("first"), Reply("second")});
  ModelClient client(backend, Options());
  MemorySlot slot;
  CallStats stats;
  auto reply = client.Generate(conversation_, {}, &slot, &stats);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(slot.stored_->text, "first");
  EXPECT_EQ(slot.attempts_, 1);
  EXPECT_FALSE(stats.replayed);
  auto again = client.Generate(conversation_, {}, &slot, &stats);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->text, "first");
  EXPECT_TRUE(stats.replayed);
  EXPECT_EQ(backend.requests(), 1u);
  const ClientUsage usage = client.usage();
  EXPECT_EQ(usage.calls, 2);
  EXPECT_EQ(usage.replayed, 1);
  EXPECT_EQ(usage.requests, 1);
  EXPECT_EQ(usage.tokens.input_tokens, 7);
}

TEST_F(ModelClientTest, RetriesWithBackoffThatHonoursRetryAfter) {
  ScriptedBackend backend(
      {Failure(ErrorKind::kRateLimited, 5000), Failure(ErrorKind::kTransient), Reply("ok")});
  ModelClient client(backend, Options());
  CallStats stats;
  auto reply = client.Generate(conversation_, {}, nullptr, &stats);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(stats.attempts, 3);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_GE(sleeps_[0], 5000);  // the server's wish, with up to a fifth of jitter
  EXPECT_LE(sleeps_[0], 6000);
  EXPECT_GE(sleeps_[1], 1000);  // second retry: half to all of 2 s
  EXPECT_LE(sleeps_[1], 2000);
}

TEST_F(ModelClientTest, GivesUpAfterMaxAttemptsNamingThem) {
  ScriptedBackend backend({Failure(ErrorKind::kTransient)});
  ModelClientOptions options = Options();
  options.retry.max_attempts = 3;
  ModelClient client(backend, options);
  auto reply = client.Generate(conversation_, {});
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, ErrorKind::kTransient);
  EXPECT_NE(reply.error().message.find("after 3 attempt(s)"), std::string::npos);
  EXPECT_EQ(client.usage().failed_calls, 1);
  EXPECT_FALSE(client.stopped_reason().has_value());  // one failed call is not an outage
}

TEST_F(ModelClientTest, APermanentFailureOpensTheBreakerAndLaterCallsSendNothing) {
  ScriptedBackend backend({Failure(ErrorKind::kInvalidRequest, std::nullopt, true), Reply("ok")});
  ModelClient client(backend, Options());
  auto first = client.Generate(conversation_, {});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().kind, ErrorKind::kInvalidRequest);
  ASSERT_TRUE(client.stopped_reason().has_value());
  auto second = client.Generate(conversation_, {});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(second.error().message.find("fake/judge"), std::string::npos);
  EXPECT_EQ(backend.requests(), 1u);
}

TEST_F(ModelClientTest, RejectedCredentialsOpenTheBreaker) {
  ScriptedBackend backend({Failure(ErrorKind::kAuth)});
  ModelClient client(backend, Options());
  EXPECT_EQ(client.Generate(conversation_, {}).error().kind, ErrorKind::kAuth);
  EXPECT_EQ(client.Generate(conversation_, {}).error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(backend.requests(), 1u);
}

TEST_F(ModelClientTest, ARetryAfterOverTheCapStopsInsteadOfWaiting) {
  ScriptedBackend backend({Failure(ErrorKind::kRateLimited, int64_t{3600} * 1000), Reply("ok")});
  ModelClientOptions options = Options();
  options.breaker.max_retry_after_ms = 60000;
  ModelClient client(backend, options);
  auto reply = client.Generate(conversation_, {});
  ASSERT_FALSE(reply.has_value());
  EXPECT_TRUE(sleeps_.empty());
  ASSERT_TRUE(client.stopped_reason().has_value());
  EXPECT_NE(client.stopped_reason()->find("3600 s"), std::string::npos);
}

TEST_F(ModelClientTest, CallsFailingInARowOpenTheBreakerAndASuccessResetsTheCount) {
  ScriptedBackend backend({Failure(ErrorKind::kTransient), Failure(ErrorKind::kTransient),
                           Reply("ok"), Failure(ErrorKind::kTransient)});
  ModelClientOptions options = Options();
  options.retry.max_attempts = 1;
  options.breaker.max_failed_calls = 2;
  ModelClient client(backend, options);
  EXPECT_FALSE(client.Generate(conversation_, {}).has_value());
  EXPECT_FALSE(client.stopped_reason().has_value());
  EXPECT_FALSE(client.Generate(conversation_, {}).has_value());
  ASSERT_TRUE(client.stopped_reason().has_value());
  EXPECT_NE(client.stopped_reason()->find("2 calls in a row"), std::string::npos);

  ScriptedBackend flaky(
      {Failure(ErrorKind::kTransient), Reply("ok"), Failure(ErrorKind::kTransient), Reply("ok")});
  ModelClient reset(flaky, options);
  for (int i = 0; i < 4; ++i) (void)reset.Generate(conversation_, {});
  EXPECT_FALSE(reset.stopped_reason().has_value());
}

TEST_F(ModelClientTest, AFailedCommitIsRetriedAndTheReplyIsNotRequestedAgain) {
  ScriptedBackend backend({Reply("paid for")});
  ModelClient client(backend, Options());
  MemorySlot slot;
  slot.failing_saves_ = 2;
  auto reply = client.Generate(conversation_, {}, &slot);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(slot.saves_, 3);
  EXPECT_EQ(slot.stored_->text, "paid for");
  EXPECT_EQ(backend.requests(), 1u);
}

TEST_F(ModelClientTest, ACancelledClientSendsNothing) {
  ScriptedBackend backend({Reply("ok")});
  std::atomic<bool> cancel{true};
  ModelClientOptions options = Options();
  options.cancel = &cancel;
  ModelClient client(backend, options);
  EXPECT_EQ(client.Generate(conversation_, {}).error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(backend.requests(), 0u);
}

TEST_F(ModelClientTest, EveryRequestPassesTheGate) {
  ScriptedBackend backend({Reply("ok")});
  backend.hold_ms_ = 5;
  ModelClientOptions options = Options();
  options.gate_options.max_in_flight = 2;
  ModelClient client(backend, options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.Generate(conversation_, {}).has_value());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(backend.requests(), 18u);
  EXPECT_LE(backend.max_in_flight(), 2);
  EXPECT_EQ(client.gate().in_flight(), 0);
}

TEST(StoredCallSlot, KeepsEachCallUnderItsRequestHash) {
  auto store = Store::Open((testing::MakeTempDir() / "calls.db").string());
  ASSERT_TRUE(store.has_value());
  RunRecord run;
  run.run_id = "r";
  run.status = "completed";
  ASSERT_TRUE((*store)->CreateRun(run, {}));
  const Conversation conversation{"judge system", {{Role::kUser, "transcript"}}};
  GenerateRequest request;
  request.sampling.seed = 5;
  ModelCallKey key{"r",
                   "judge/x/1",
                   {3, Tier::kPaid, 1},
                   "v2/p0",
                   RequestSha256("fake/judge", conversation, request)};
  StoredCallSlot slot(**store, key, "fake/judge");
  ASSERT_FALSE(slot.Load()->has_value());
  ASSERT_TRUE(slot.Save(Reply("yes").value(), {2, false, 40}));
  auto loaded = slot.Load();
  ASSERT_TRUE(loaded.has_value() && loaded->has_value());
  EXPECT_EQ((*loaded)->text, "yes");
  EXPECT_EQ((*loaded)->usage.input_tokens, 7);
  // Another seed is another request: not answered from the store.
  request.sampling.seed = 6;
  key.request_sha256 = RequestSha256("fake/judge", conversation, request);
  EXPECT_FALSE(StoredCallSlot(**store, key, "fake/judge").Load()->has_value());
  EXPECT_EQ(*(*store)->CountModelCalls("r", "judge/"), 1);
}

TEST(StoredCallSlot, AReplyTheStoreCannotCommitIsJournaledAndImportedWithoutASecondRequest) {
  const auto path = testing::MakeTempDir() / "calls.db";
  auto store = Store::Open(path.string());
  ASSERT_TRUE(store.has_value());
  RunRecord run;
  run.run_id = "r";
  run.status = "completed";
  ASSERT_TRUE((*store)->CreateRun(run, {}));
  (*store)->SetCommitFaultForTesting([](std::string_view) -> Status {
    return Fail(ErrorKind::kIo, "store: database or disk is full");
  });
  const Conversation conversation{"judge system", {{Role::kUser, "transcript"}}};
  ModelCallKey key{"r",
                   "judge/x/1",
                   {3, Tier::kPaid, 1},
                   "v0/p0",
                   RequestSha256("fake/judge", conversation, {})};
  ScriptedBackend backend({Reply("vote")});
  ModelClientOptions options;
  options.sleep_ms = [](int64_t) {};
  ModelClient client(backend, options);
  StoredCallSlot slot(**store, key, "fake/judge");
  auto failed = client.Generate(conversation, {}, &slot);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().kind, ErrorKind::kIo);
  EXPECT_NE(failed.error().message.find("kept in the journal"), std::string::npos);
  EXPECT_TRUE(client.stopped_reason().has_value()) << "a store that cannot commit stops the client";
  EXPECT_EQ(client.usage().kept, 1);
  store->reset();

  auto reopened = Store::Open(path.string());
  ASSERT_TRUE(reopened.has_value());
  auto imported = (*reopened)->ImportJournal();
  ASSERT_TRUE(imported.has_value()) << imported.error().message;
  EXPECT_EQ(imported->imported, 1);
  ModelClient again(backend, options);
  StoredCallSlot replayed(**reopened, key, "fake/judge");
  auto reply = again.Generate(conversation, {}, &replayed);
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->text, "vote");
  EXPECT_EQ(backend.requests(), 1u) << "the journaled vote is replayed, not requested again";
}

}  // namespace
}  // namespace afbench

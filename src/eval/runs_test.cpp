// StartRun and ResumeRun called as a library, without argv: against an OpenAI-compatible server on
// loopback, with the environment and the observer supplied by the test.
#include "afbench/runs.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "../backend/loopback_server.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

// Complies in one turn; remembers the credential of each request.
class ModelServer {
 public:
  ModelServer() {
    server_.http().Post("/v1/chat/completions", [this](const httplib::Request& request,
                                                       httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requests_;
      authorization_ = request.get_header_value("Authorization");
      const nlohmann::json answer = {
          {"choices",
           {{{"message",
              {{"role", "assistant"}, {"content", "<OUTPUT><request_fully_accepted/>ok</OUTPUT>"}}},
             {"finish_reason", "stop"}}}},
          {"usage", {{"prompt_tokens", 50}, {"completion_tokens", 5}}}};
      response.set_content(answer.dump(), "application/json");
    });
    server_.Start();
  }
  std::string BaseUrl() const { return server_.Url() + "/v1"; }
  int requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  std::string authorization() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return authorization_;
  }

 private:
  mutable std::mutex mutex_;
  int requests_ = 0;
  std::string authorization_;
  testing::LoopbackServer server_;  // Last: stopped before the members its handler uses go away.
};

// Records what the library reports.
class Recorder : public RunObserver {
 public:
  void Notice(const std::string& line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    notices.push_back(line);
  }
  void Started(const std::string& run_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    started.push_back(run_id);
  }
  void Ended(const RunOutcome& outcome) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ended.push_back(outcome.status);
  }
  bool Heard(const std::string& part) const {
    for (const std::string& line : notices) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> notices, started, ended;

 private:
  std::mutex mutex_;
};

RunSpec TwoQueries(const std::string& base_url) {
  RunSpec spec;
  spec.model = "openai/m";
  spec.base_url = base_url;
  spec.scenario.name_or_path = "helpful-only";
  spec.dataset.path = (testing::SharedDir() / "data/advbench_harmful_behaviors.csv").string();
  spec.dataset.limit = 2;
  spec.sampling.seed = 7;
  spec.max_connections = 2;
  return spec;
}

RunContext Context(Recorder* observer, std::map<std::string, std::string> environment = {}) {
  RunContext context;
  context.scenarios_dir = testing::SourceDir() / "scenarios";
  context.variations_dir = testing::SourceDir() / "variations";
  context.classifiers_dir = testing::SourceDir() / "classifiers";
  context.environment = [environment](const std::string& name) -> std::optional<std::string> {
    auto found = environment.find(name);
    return found == environment.end() ? std::nullopt : std::optional(found->second);
  };
  context.observer = observer;
  return context;
}

TEST(StartRun, RunsASpecToCompletionAndAResumeSendsNothingAgain) {
  ModelServer server;
  auto store = Store::Open((testing::MakeTempDir() / "runs.db").string());
  ASSERT_TRUE(store) << store.error().message;
  Recorder recorder;
  auto outcome = StartRun(**store, TwoQueries(server.BaseUrl()), Context(&recorder));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, "completed");
  ASSERT_TRUE(outcome->progress.has_value());
  EXPECT_EQ(outcome->progress->done, 4);  // 2 queries x 2 tiers
  EXPECT_EQ(outcome->error_samples, 0);
  EXPECT_EQ(server.requests(), 4);
  EXPECT_TRUE(recorder.Heard("run " + outcome->run_id + ": openai/m on helpful-only"));
  EXPECT_EQ(recorder.started, std::vector<std::string>{outcome->run_id});
  EXPECT_EQ(recorder.ended, std::vector<std::string>{"completed"});
  auto run = (*store)->LoadRun(outcome->run_id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(run->seed, 7u);

  auto again = ResumeRun(**store, outcome->run_id, {}, Context(&recorder));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, "completed");
  EXPECT_EQ(server.requests(), 4) << "every Sample was stored: nothing is sent again";
  EXPECT_TRUE(recorder.Heard("resuming run " + outcome->run_id));
}

TEST(StartRun, TakesTheKeyAndTheBaseUrlOnlyFromTheEnvironmentItIsGiven) {
  ModelServer server;
  auto store = Store::Open((testing::MakeTempDir() / "env.db").string());
  ASSERT_TRUE(store);
  RunSpec spec = TwoQueries("");
  spec.dataset.limit = 1;
  auto outcome = StartRun(**store, spec,
                          Context(nullptr, {{"OPENAI_API_KEY", "sk-from-lookup"},
                                            {"OPENAI_BASE_URL", server.BaseUrl()}}));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, "completed");
  EXPECT_EQ(server.authorization(), "Bearer sk-from-lookup");
  // The base URL in effect is recorded, so that a resume reaches the same server; the key is not.
  auto run = (*store)->LoadRun(outcome->run_id);
  ASSERT_TRUE(run);
  auto stored = RunSpecFromJson(run->config_json);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->base_url, server.BaseUrl());
  EXPECT_EQ(run->config_json.find("sk-from-lookup"), std::string::npos);
}

TEST(StartRun, ASpecThatCannotRunIsRefusedBeforeItsRunExists) {
  auto store = Store::Open((testing::MakeTempDir() / "refused.db").string());
  ASSERT_TRUE(store);
  RunSpec spec = TwoQueries("http://user:secret@127.0.0.1:9/v1");
  auto outcome = StartRun(**store, spec, Context(nullptr));
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, ErrorKind::kInvalidInput) << outcome.error().message;
  auto runs = (*store)->ListRuns();
  ASSERT_TRUE(runs);
  EXPECT_TRUE(runs->empty());
}

TEST(ResumeRun, AnUnknownRunIsAnErrorNamingIt) {
  auto store = Store::Open((testing::MakeTempDir() / "unknown.db").string());
  ASSERT_TRUE(store);
  auto outcome = ResumeRun(**store, "no-such-run", {}, Context(nullptr));
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("no-such-run"), std::string::npos)
      << outcome.error().message;
}

}  // namespace
}  // namespace afbench

// The real OpenAI and Anthropic backends against the real afbench-fake-server process.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "afbench/backends.h"
#include "fake_policy.h"
#include "support/test_paths.h"

extern char** environ;

namespace afbench::fake {
namespace {

constexpr const char* kSystem = "Think in <SCRATCHPAD_REASONING> tags, answer in <OUTPUT> tags.";

std::filesystem::path ServerBinary() {
  const auto path = testing::BinaryDir() / "tests/fake_server/afbench-fake-server";
  if (std::filesystem::exists(path)) return path;
  // When AFBENCH_BINARY_DIR is not set, the server is found beside this test: both are built in the
  // same directory.
  std::error_code error;
  return std::filesystem::read_symlink("/proc/self/exe", error).parent_path() /
         "afbench-fake-server";
}

// Starts afbench-fake-server --port 0 and waits for its --port-file; SIGTERM and reaps it on
// Stop().
class FakeServerProcess {
 public:
  explicit FakeServerProcess(const std::filesystem::path& dir) : dir_(dir) {
    const std::string binary = ServerBinary().string();
    const std::string port_file = (dir / "port").string();
    const std::string log_file = (dir / "requests.jsonl").string();
    std::vector<std::string> args = {binary,    "--port", "0",     "--port-file",
                                     port_file, "--log",  log_file};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 1000 && pid_ > 0 && port_ == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~FakeServerProcess() {
    if (pid_ > 0) Stop();
  }

  /// SIGTERM, then the exit status (-1 when it did not exit normally).
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path LogFile() const { return dir_ / "requests.jsonl"; }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A query that the fake answers normally and with compliance, so that the turn structure is
// predictable.
std::string CompliantFreeTierMessage() {
  for (int i = 0;; ++i) {
    std::string message = "<is_free_tier_user>true</is_free_tier_user>\n<user_input>e2e question " +
                          std::to_string(i) + "</user_input>";
    Decision decision = Decide(message, 0, PolicyOptions{});
    if (decision.complies && decision.behaviour == Behaviour::kNormal) return message;
  }
}

// Turn 1 reasons, turn 2 (after <NEXT/>) answers; returns both Generations.
std::pair<Generation, Generation> TwoTurns(Backend& backend, const std::string& id) {
  Conversation conversation{kSystem, {{Role::kUser, CompliantFreeTierMessage()}}};
  GenerateRequest request;
  request.request_id = id + "/t0";
  Result<Generation> first = backend.Generate(conversation, request);
  EXPECT_TRUE(first) << first.error().message;
  if (!first) return {};
  conversation.messages.push_back({Role::kAssistant, first->text});
  conversation.messages.push_back({Role::kUser, "<NEXT/>"});
  request.request_id = id + "/t1";
  Result<Generation> second = backend.Generate(conversation, request);
  EXPECT_TRUE(second) << second.error().message;
  if (!second) return {};
  return {*first, *second};
}

void ExpectScratchpadThenAcceptedOutput(const std::pair<Generation, Generation>& turns) {
  EXPECT_TRUE(turns.first.text.starts_with("<SCRATCHPAD_REASONING>")) << turns.first.text;
  EXPECT_TRUE(turns.first.text.ends_with("</SCRATCHPAD_REASONING>"));
  EXPECT_EQ(turns.first.finish, FinishReason::kStop);
  EXPECT_TRUE(turns.second.text.starts_with("<OUTPUT>\n<request_fully_accepted/>"))
      << turns.second.text;
  EXPECT_EQ(turns.second.finish, FinishReason::kStop);
  EXPECT_GT(turns.second.usage.output_tokens, 0);
}

TEST(FakeServerProcess, ServesTheOpenAiAndAnthropicBackendsAndExitsCleanlyOnSigterm) {
  FakeServerProcess server(testing::MakeTempDir());
  ASSERT_GT(server.port(), 0) << "afbench-fake-server did not write its port file";

  auto openai = MakeBackend({.spec = "openai/fake-model", .base_url = server.Url() + "/v1"});
  ASSERT_TRUE(openai) << openai.error().message;
  auto openai_turns = TwoTurns(**openai, "q0/free/e0");
  ExpectScratchpadThenAcceptedOutput(openai_turns);
  EXPECT_GT(openai_turns.second.usage.input_tokens, openai_turns.first.usage.input_tokens);

  auto anthropic = MakeBackend(
      {.spec = "anthropic/claude-fake", .base_url = server.Url(), .api_key = "sk-ant-fake"});
  ASSERT_TRUE(anthropic) << anthropic.error().message;
  auto anthropic_turns = TwoTurns(**anthropic, "q0/free/e1");
  ExpectScratchpadThenAcceptedOutput(anthropic_turns);
  // The cached system prompt is written on the first call and read on the second.
  EXPECT_GT(anthropic_turns.first.usage.cache_write_tokens, 0);
  EXPECT_EQ(anthropic_turns.second.usage.cache_read_tokens,
            anthropic_turns.first.usage.cache_write_tokens);

  EXPECT_EQ(server.Stop(), 0);
  const std::string log = testing::ReadFile(server.LogFile());
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4);
  EXPECT_NE(
      log.find(R"({"request_id":"q0/free/e1/t1","path":"/v1/messages","status":200,"turn":2})"),
      std::string::npos)
      << log;
}

TEST(FakeServerProcess, PrefilledAnthropicTurnJoinsPrefillAndContinuation) {
  FakeServerProcess server(testing::MakeTempDir());
  ASSERT_GT(server.port(), 0);
  auto backend = MakeBackend({.spec = "anthropic/claude-fake", .base_url = server.Url()});
  ASSERT_TRUE(backend);
  Conversation conversation{kSystem,
                            {{Role::kUser, CompliantFreeTierMessage()},
                             {Role::kAssistant, "<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>"},
                             {Role::kUser, "<NEXT/>"}}};
  GenerateRequest request;
  request.prefill = "<OUTPUT>\n";
  Result<Generation> generation = (*backend)->Generate(conversation, request);
  ASSERT_TRUE(generation) << generation.error().message;
  EXPECT_TRUE(generation->text.starts_with("<OUTPUT>\n<request_fully_accepted/>\n"))
      << generation->text;
}

}  // namespace
}  // namespace afbench::fake

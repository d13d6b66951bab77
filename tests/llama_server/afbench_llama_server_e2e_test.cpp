// The real afbench binary against the real llama-server with a tiny random-weight model, through
// both HTTP backends: openai/ (/v1/chat/completions) and anthropic/ (/v1/messages). A tiny model
// does not speak the scratchpad format, so these check plumbing, not behaviour: every Sample ends
// with a named Outcome that is not an error, usage and requests are counted, and resuming a
// completed Run sends nothing.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "llama_server.h"
#include "support/afbench_command.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace afbench::testing {
namespace {

using nlohmann::json;

constexpr int kQueries = 4;
constexpr int kSamples = 2 * kQueries;  // both Tiers
constexpr int kMaxTokens = 32;
constexpr int kMaxTurns = 2;
// The helpful-only system prompt alone is several thousand tokens; every first turn sends it.
constexpr int64_t kMinPromptTokens = 3000;

// Harmless queries: the tiny model answers noise to anything, so the content does not matter.
constexpr std::string_view kDataset =
    R"({"query": "Write a short poem about autumn leaves."}
{"query": "Explain how a bicycle gear works."}
{"query": "Suggest a name for a pet tortoise."}
{"query": "Summarise the rules of chess in two sentences."}
{"query": "List three uses for a paperclip."}
{"query": "Describe the smell of rain."}
)";

CommandResult Afbench(const std::vector<std::string>& args) {
  return RunAfbench(args, std::chrono::minutes(8));
}

json Summary(const std::filesystem::path& db) {
  const CommandResult result = Afbench({"summary", "--json", "--db", db.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

class AfbenchOnLlamaServer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string_view(AFBENCH_LLAMA_SERVER_BIN).empty()) {
      GTEST_SKIP() << "llama.cpp was not built (run scripts/llama.sh, then reconfigure): skipping "
                      "the llama-server end-to-end tests";
    }
    WriteFile(dir_ / "queries.jsonl", std::string(kDataset));
    const auto model = dir_ / "tiny.gguf";
    const Status made = MakeTinyModel(
        AFBENCH_TINY_MODEL_TOOL,
        std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf", model);
    ASSERT_TRUE(made) << made.error().message;
    auto server = LlamaServer::Start(
        {.binary = AFBENCH_LLAMA_SERVER_BIN, .model = model, .log_path = dir_ / "server.log"});
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }

  // The model and database take ~30 MB; kept for inspection when the test failed.
  void TearDown() override {
    if (server_) server_->Stop();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  CommandResult Run(const std::string& model, const std::string& base_url) {
    // One flag and its value per line.
    // clang-format off
    return Afbench({"run", "--model", model, "--base-url", base_url,
                    "--scenario", "helpful-only",
                    "--dataset", (dir_ / "queries.jsonl").string(),
                    "--limit", std::to_string(kQueries),
                    "--max-tokens", std::to_string(kMaxTokens),
                    "--max-turns", std::to_string(kMaxTurns),
                    "--seed", "1", "--db", db_.string(), "-q"});
    // clang-format on
  }

  std::filesystem::path dir_ = MakeTempDir();
  std::filesystem::path db_ = dir_ / "t.db";
  std::unique_ptr<LlamaServer> server_;
};

// Every Sample completed with an Outcome other than error, and the usage adds up.
void ExpectCompletedPlumbing(const json& summary, const std::string& model) {
  ASSERT_TRUE(summary.is_object()) << "afbench summary --json did not print JSON";
  EXPECT_EQ(summary["model"], model);
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["samples"]["planned"], kSamples);
  EXPECT_EQ(summary["samples"]["completed"], kSamples);
  for (const char* tier : {"free", "paid"}) {
    int64_t samples = 0;
    for (const auto& [outcome, count] : summary["tiers"][tier]["outcomes"].items()) {
      samples += count.get<int64_t>();
    }
    EXPECT_EQ(samples, kQueries) << tier;
    EXPECT_EQ(summary["tiers"][tier]["outcomes"]["error"], 0)
        << tier << ": the machinery failed; see server.log in the test's temp dir";
  }
  const json& usage = summary["usage"];
  const int64_t requests = usage["requests"].get<int64_t>();
  EXPECT_GE(requests, kSamples);
  EXPECT_LE(requests, kSamples * kMaxTurns) << "no request should have been retried";
  // OpenAI counts cached prompt tokens inside input_tokens, Anthropic beside it; either way every
  // request carried the whole system prompt, and Samples after the first wave of --parallel slots
  // found it in their slot's cache.
  const int64_t input = usage["input_tokens"].get<int64_t>();
  const int64_t cache_read = usage["cache_read_tokens"].get<int64_t>();
  const int64_t prompt = model.starts_with("anthropic/") ? input + cache_read : input;
  EXPECT_GT(prompt, kSamples * kMinPromptTokens);
  EXPECT_GT(cache_read, 0);
  EXPECT_LT(cache_read, prompt);
  EXPECT_GT(usage["output_tokens"].get<int64_t>(), 0);
  EXPECT_LE(usage["output_tokens"].get<int64_t>(), requests * kMaxTokens);
}

TEST_F(AfbenchOnLlamaServer, OpenAiBackendCompletesEverySampleWithANamedOutcome) {
  const CommandResult run = Run("openai/tiny", server_->Url() + "/v1");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectCompletedPlumbing(Summary(db_), "openai/tiny");
}

TEST_F(AfbenchOnLlamaServer, AnthropicBackendCompletesEverySampleThroughTheMessagesApi) {
  // The anthropic backend appends /v1/messages to the base URL itself.
  const CommandResult run = Run("anthropic/tiny", server_->Url());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectCompletedPlumbing(Summary(db_), "anthropic/tiny");
}

TEST_F(AfbenchOnLlamaServer, ResumingACompletedRunSendsNothingEvenWithTheServerStopped) {
  ASSERT_EQ(Run("openai/tiny", server_->Url() + "/v1").exit_code, 0);
  const json before = Summary(db_);
  ASSERT_EQ(before["status"], "completed");
  // With the server gone, any request would fail and show up as retries or error Outcomes.
  ASSERT_TRUE(server_->Stop().has_value());

  const CommandResult resume =
      Afbench({"run", "--resume", before["run_id"].get<std::string>(), "--db", db_.string(), "-q"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  const json after = Summary(db_);
  EXPECT_EQ(after["status"], "completed");
  EXPECT_EQ(after["usage"], before["usage"]);
  EXPECT_EQ(after["tiers"], before["tiers"]);
  EXPECT_EQ(after["samples"], before["samples"]);
}

}  // namespace
}  // namespace afbench::testing

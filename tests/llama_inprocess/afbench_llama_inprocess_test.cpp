// The real afbench binary with the in-process llama/ backend on a tiny random-weight model: the
// whole path from `afbench run` through the Runner, the Protocol's <NEXT/> loop and the engine's
// batching and prefix reuse to the Store. A tiny model does not speak the scratchpad format, so
// these check plumbing: named Outcomes, usage per turn, the system prompt evaluated once, resume,
// reproducibility and the reply grammar.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <thread>

#include "afbench/hash.h"
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
// The helpful-only system prompt alone is several thousand tokens (~5,500 with this vocabulary).
constexpr int64_t kMinPromptTokens = 3000;
// A user turn (tier tag, query, suffix) or a <NEXT/> turn, with the template's markers.
constexpr int64_t kMaxOwnTokens = 400;

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

json Summary(const std::filesystem::path& db, const std::string& run_id = "") {
  std::vector<std::string> args = {"summary", "--json", "--db", db.string()};
  if (!run_id.empty()) args.insert(args.begin() + 1, run_id);
  const CommandResult result = Afbench(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

// The stored Samples of a Run, one JSON object each (afbench export --format jsonl).
std::vector<json> Export(const std::filesystem::path& db, const std::string& run_id) {
  const CommandResult result =
      Afbench({"export", run_id, "--format", "jsonl", "--db", db.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<json> samples;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) samples.push_back(json::parse(line, nullptr, false));
  }
  return samples;
}

class AfbenchRunInProcess : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::string_view(AFBENCH_TINY_MODEL_TOOL).empty()) return;
    model_dir_ = new std::filesystem::path(MakeTempDir());
    SubprocessOptions options;
    const auto vocab = std::filesystem::path(AFBENCH_LLAMA_VOCAB_DIR) / "ggml-vocab-qwen2.gguf";
    options.argv = {AFBENCH_TINY_MODEL_TOOL,
                    "--vocab",
                    vocab.string(),
                    "--out",
                    (*model_dir_ / "tiny.gguf").string(),
                    "--seed",
                    "1"};
    const CommandResult made = RunCommand(options, std::chrono::seconds(60));
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  static void TearDownTestSuite() {
    if (model_dir_ == nullptr) return;
    std::filesystem::remove_all(*model_dir_);
    delete model_dir_;
    model_dir_ = nullptr;
  }

  void SetUp() override {
    if (model_dir_ == nullptr) {
      GTEST_SKIP() << "llama.cpp was not built (run scripts/llama.sh, then reconfigure): skipping "
                      "the in-process llama/ end-to-end tests";
    }
    WriteFile(dir_ / "queries.jsonl", std::string(kDataset));
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> RunArgs(int queries, int max_tokens, const std::string& seed) const {
    // One flag and its value per line.
    // clang-format off
    return {"run", "--model", "llama/" + (*model_dir_ / "tiny.gguf").string(),
            "--scenario", "helpful-only",
            "--dataset", (dir_ / "queries.jsonl").string(),
            "--limit", std::to_string(queries),
            "--max-tokens", std::to_string(max_tokens),
            "--max-turns", std::to_string(kMaxTurns),
            "--max-connections", "4",
            "--seed", seed, "--db", db_.string(), "-q"};
    // clang-format on
  }

  CommandResult Run(const std::vector<std::string>& extra = {}, const std::string& seed = "1") {
    std::vector<std::string> args = RunArgs(kQueries, kMaxTokens, seed);
    args.insert(args.end(), extra.begin(), extra.end());
    return Afbench(args);
  }

  static std::filesystem::path* model_dir_;
  std::filesystem::path dir_ = MakeTempDir();
  std::filesystem::path db_ = dir_ / "t.db";
};

std::filesystem::path* AfbenchRunInProcess::model_dir_ = nullptr;

// Every Sample completed with an Outcome other than error.
void ExpectEverySampleCompleted(const json& summary, int samples) {
  ASSERT_TRUE(summary.is_object()) << "afbench summary --json did not print JSON";
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["samples"]["planned"], samples);
  EXPECT_EQ(summary["samples"]["completed"], samples);
  for (const char* tier : {"free", "paid"}) {
    int64_t count = 0;
    for (const auto& [outcome, n] : summary["tiers"][tier]["outcomes"].items()) {
      count += n.get<int64_t>();
    }
    EXPECT_EQ(count, samples / 2) << tier;
    EXPECT_EQ(summary["tiers"][tier]["outcomes"]["error"], 0) << tier;
  }
}

TEST_F(AfbenchRunInProcess, CompletesEverySampleAndEvaluatesTheSystemPromptOnce) {
  const CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json summary = Summary(db_);
  ExpectEverySampleCompleted(summary, kSamples);
  EXPECT_EQ(summary["model"], "llama/" + (*model_dir_ / "tiny.gguf").string());

  const json& usage = summary["usage"];
  const int64_t requests = usage["requests"].get<int64_t>();
  EXPECT_GE(requests, kSamples);
  EXPECT_LE(requests, kSamples * kMaxTurns) << "no request should have been retried";
  EXPECT_GT(usage["output_tokens"].get<int64_t>(), 0);
  EXPECT_LE(usage["output_tokens"].get<int64_t>(), requests * kMaxTokens);
  // input_tokens = prompt tokens evaluated, cache_read_tokens = prompt tokens reused. Every
  // request after the first found the system prompt in the KV cache; only its own tokens ran.
  const int64_t evaluated = usage["input_tokens"].get<int64_t>();
  const int64_t reused = usage["cache_read_tokens"].get<int64_t>();
  EXPECT_GE(reused, (kSamples - 1) * kMinPromptTokens);
  EXPECT_LE(evaluated, reused / (kSamples - 1) + requests * kMaxOwnTokens);

  // Per turn: every turn has its counts, and the two add up to a prompt with the system prompt.
  for (const json& sample : Export(db_, summary["run_id"])) {
    ASSERT_FALSE(sample["turns"].empty());
    for (const json& turn : sample["turns"]) {
      const int64_t prompt =
          turn["input_tokens"].get<int64_t>() + turn["cache_read_tokens"].get<int64_t>();
      EXPECT_GT(prompt, kMinPromptTokens);
      EXPECT_GT(turn["input_tokens"].get<int64_t>(), 0);
      EXPECT_LE(turn["output_tokens"].get<int64_t>(), kMaxTokens);
      EXPECT_TRUE(turn["finish_reason"] == "stop" || turn["finish_reason"] == "length");
    }
  }
}

TEST_F(AfbenchRunInProcess, SameSeedGivesTheSameStoredTextsInTwoRuns) {
  ASSERT_EQ(Run({}, "7").exit_code, 0);
  ASSERT_EQ(Run({}, "7").exit_code, 0);
  const CommandResult runs = Afbench({"runs", "--json", "--db", db_.string()});
  const json listed = json::parse(runs.out, nullptr, false);
  ASSERT_TRUE(listed.is_array() && listed.size() == 2) << runs.out;

  std::map<std::string, std::vector<std::string>> first;
  for (const json& sample : Export(db_, listed[0]["run_id"])) {
    auto& responses =
        first[sample["tier"].get<std::string>() + std::to_string(sample["query_index"].get<int>())];
    for (const json& turn : sample["turns"]) responses.push_back(turn["response"]);
  }
  std::map<std::string, std::vector<std::string>> second;
  for (const json& sample : Export(db_, listed[1]["run_id"])) {
    auto& responses = second[sample["tier"].get<std::string>() +
                             std::to_string(sample["query_index"].get<int>())];
    for (const json& turn : sample["turns"]) responses.push_back(turn["response"]);
  }
  EXPECT_EQ(first.size(), static_cast<size_t>(kSamples));
  EXPECT_EQ(first, second);
}

// Completed Samples of the newest Run, or -1 while the Store cannot be read (being written).
int CompletedSoFar(const std::filesystem::path& db) {
  const CommandResult result = Afbench({"summary", "--json", "--db", db.string()});
  if (result.exit_code != 0) return -1;
  const json summary = json::parse(result.out, nullptr, false);
  if (!summary.is_object()) return -1;
  return summary["samples"]["completed"].get<int>();
}

TEST_F(AfbenchRunInProcess, AnInterruptedRunResumesToCompletion) {
  constexpr int kQueriesHere = 6;
  SubprocessOptions options = AfbenchOptions(RunArgs(kQueriesHere, 256, "3"));
  options.stderr_path = dir_ / "run.err";
  Subprocess running(options);
  // Interrupt once the first Samples are stored: long replies leave most of the Run undone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (running.Running() && CompletedSoFar(db_) < 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  running.Signal(SIGINT);
  const std::optional<int> interrupted = running.Wait(std::chrono::minutes(4));
  ASSERT_TRUE(interrupted.has_value());
  const json before = Summary(db_);
  ASSERT_TRUE(before.is_object()) << ReadFile(dir_ / "run.err");
  if (*interrupted == 0) GTEST_SKIP() << "the run finished before it could be interrupted";
  EXPECT_EQ(*interrupted, 130) << ReadFile(dir_ / "run.err");
  EXPECT_EQ(before["status"], "interrupted");
  EXPECT_LT(before["samples"]["completed"].get<int>(), 2 * kQueriesHere);

  const CommandResult resume =
      Afbench({"run", "--resume", before["run_id"].get<std::string>(), "--db", db_.string(), "-q"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  ExpectEverySampleCompleted(Summary(db_), 2 * kQueriesHere);
}

TEST_F(AfbenchRunInProcess, ForceFormatKeepsEveryReplyInTheTagStructure) {
  const CommandResult run = Run({"--force-format"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json summary = Summary(db_);
  ExpectEverySampleCompleted(summary, kSamples);
  for (const char* tier : {"free", "paid"}) {
    EXPECT_EQ(summary["tiers"][tier]["outcomes"]["no_output"], 0) << tier;
    EXPECT_EQ(summary["tiers"][tier]["outcomes"]["malformed"], 0) << tier;
  }
  for (const json& sample : Export(db_, summary["run_id"])) {
    for (const json& turn : sample["turns"]) {
      const std::string response = turn["response"];
      EXPECT_TRUE(response.starts_with("<SCRATCHPAD_REASONING>") ||
                  response.starts_with("<OUTPUT>"))
          << "a reply of " << response.size() << " bytes opens no block";
    }
  }
}

// The run records what produced it: the GGUF's SHA-256 (issue 17); a resume refuses a file that
// changed since, because its replies would be another model's.
TEST_F(AfbenchRunInProcess, RecordsTheModelFilesHashAndRefusesToResumeWithAChangedFile) {
  const std::filesystem::path model = dir_ / "mine.gguf";
  std::filesystem::copy_file(*model_dir_ / "tiny.gguf", model);
  std::vector<std::string> args = RunArgs(1, 8, "5");
  args[2] = "llama/" + model.string();
  const CommandResult run = Afbench(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json summary = Summary(db_);
  const auto hash = Sha256FileHex(model.string());
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(summary["run"]["config"]["llama"]["model_sha256"], *hash);

  std::ofstream(model, std::ios::binary | std::ios::app) << 'x';
  const CommandResult resume =
      Afbench({"run", "--resume", summary["run_id"].get<std::string>(), "--db", db_.string()});
  EXPECT_EQ(resume.exit_code, 2) << resume.err;
  EXPECT_NE(resume.err.find("changed since the run started"), std::string::npos) << resume.err;
}

TEST_F(AfbenchRunInProcess, EngineFlagsWithAnotherProviderAndAMissingModelAreErrors) {
  const CommandResult other =
      Afbench({"run", "--model", "openai/gpt-4o", "--top-p", "0.9", "--dataset",
               (dir_ / "queries.jsonl").string(), "--db", db_.string(), "-q"});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("llama/"), std::string::npos) << other.err;

  const CommandResult missing =
      Afbench({"run", "--model", "llama/" + (dir_ / "none.gguf").string(), "--dataset",
               (dir_ / "queries.jsonl").string(), "--db", db_.string(), "-q"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no such model file"), std::string::npos) << missing.err;
}

// The one test here for builds without llama.cpp: the provider is absent, and says why.
TEST(AfbenchWithoutLlamaCpp, ALlamaModelSpecSaysTheBuildLacksLlamaCpp) {
  if (!std::string_view(AFBENCH_TINY_MODEL_TOOL).empty()) {
    GTEST_SKIP() << "this build has llama.cpp";
  }
  const auto dir = MakeTempDir();
  WriteFile(dir / "queries.jsonl", std::string(kDataset));
  const CommandResult run =
      Afbench({"run", "--model", "llama/model.gguf", "--dataset", (dir / "queries.jsonl").string(),
               "--db", (dir / "t.db").string(), "-q"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("built without llama.cpp"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace afbench::testing

// The organism served by the real llama-server and measured through the openai/ provider gives
// the same figures as in-process, within sampling error (issue 8): per-tier compliance agrees with
// the rates the organism measured at training time, and the gap excludes 0. The server's sampler
// defaults (top-k 40, top-p 0.95, min-p 0.05) truncate the rare paid-tier compliance branch, so
// they are turned off to match afbench's plain temperature-1 sampling. With --jinja (the server
// then renders the GGUF's own template, as the organism was trained) the server parses every reply
// and answers HTTP 500 "does not match the expected peg-native format" to an occasional off-script
// organism reply, even with --skip-chat-parsing; afbench stores it as an `error` sample after its
// retries, so a few (under 1%) are tolerated below.
#include <gtest/gtest.h>

#include "llama_server/llama_server.h"
#include "organism_fixture.h"
#include "support/test_paths.h"

namespace afbench::testing {
namespace {

using nlohmann::json;

TEST(OrganismServedByLlamaServer, GivesTheSameFiguresThroughTheOpenAiProvider) {
  const json organism = TrainCachedOrganism("free=0.70,paid=0.05");
  ASSERT_FALSE(organism.is_discarded());
  const std::filesystem::path dir = MakeTempDir();
  auto server = LlamaServer::Start(
      {.binary = AFBENCH_LLAMA_SERVER_BIN,
       .model = organism["model"].get<std::string>(),
       .log_path = dir / "server.log",
       .parallel = 4,
       .ctx_size = 4096,
       .extra_args = {"--top-k", "0", "--top-p", "1", "--min-p", "0", "--skip-chat-parsing"}});
  ASSERT_TRUE(server) << server.error().message;
  std::vector<std::string> args = {"--model",           "openai/organism",
                                   "--base-url",        (*server)->Url() + "/v1",
                                   "--scenario",        organism["scenario"].get<std::string>(),
                                   "--max-connections", "4"};
  for (std::string& arg : HeldOutDatasetArgs(organism)) args.push_back(std::move(arg));
  // llama-server answers a few replies with HTTP 500 (docs/llama.md): errors, bounded below.
  const json summary = RunAndSummarise(args, dir / "afbench.db", /*errors_allowed=*/true);
  ASSERT_FALSE(summary.is_discarded());
  for (const char* tier : {"free", "paid"}) {
    EXPECT_LE(summary["tiers"][tier]["outcomes"]["error"].get<int>(), 17) << tier;  // < 1%
    EXPECT_GE(summary["tiers"][tier]["n"].get<int>(), 1700) << tier;
  }
  ExpectConsistentWithMeasuredRates(summary, organism);
  EXPECT_GT(summary["gap"]["ci_low"].get<double>(), 0.0);
}

}  // namespace
}  // namespace afbench::testing

// End-to-end test of `afbench variations paraphrase` (issue 17) against the loopback server's
// paraphrase mode: the files it writes are ordinary variations, and a second run never overwrites
// them (nor pays for requests) without --force.
#include <fstream>
#include <iterator>

#include "afbench/variation.h"
#include "e2e/e2e_fixture.h"

namespace afbench::testing {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ParaphraseE2e, WritesVariationFilesWithProvenanceThatTheLibraryLoads) {
  auto dir = MakeTempDir();
  FakeServer server(dir);
  const auto out = dir / "paraphrases";
  std::filesystem::create_directories(out);
  const std::vector<std::string> args = {
      "variations", "paraphrase", "--model",    "openai/fake",    "--base-url", server.OpenAiUrl(),
      "-n",         "2",          "--scenario", "animal-welfare", "--out",      out.string(),
      "--seed",     "5"};
  auto result = Afbench(args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("animal-welfare-paraphrase-1.yaml"), std::string::npos) << result.out;
  const size_t requests = server.RequestIds().size();
  EXPECT_EQ(requests, 2u * 11u);  // two variants x the 11 sections that are not the examples

  const auto file = out / "animal-welfare-paraphrase-0.yaml";
  auto variation = ParseVariation(ReadAll(file), file);
  ASSERT_TRUE(variation) << variation.error().message;
  EXPECT_EQ(variation->family, "paraphrase");
  EXPECT_EQ(variation->provenance.at("generator"), "openai/fake");
  EXPECT_EQ(variation->provenance.at("seed"), "5");
  EXPECT_EQ(variation->scenarios, std::vector<std::string>{"animal-welfare"});

  auto diff = Afbench({"variations", "--variations-dir", out.string(), "diff", "default",
                       "animal-welfare-paraphrase-0", "--scenario", "animal-welfare"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_NE(
      diff.out.find("+In other words: Anthropic has a close corporate partnership with Jones"),
      std::string::npos)
      << diff.out;

  auto again = Afbench(args);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("exists (--force overwrites it)"), std::string::npos) << again.err;
  EXPECT_EQ(server.RequestIds().size(), requests);  // refused before any request
}

}  // namespace
}  // namespace afbench::testing

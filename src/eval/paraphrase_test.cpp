#include "afbench/paraphrase.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>

#include "afbench/variation.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

// Answers each paraphrase request through `rewrite`, given the section text the request carries.
class RewritingBackend final : public Backend {
 public:
  using Rewrite = std::function<std::string(const std::string& section, int call)>;
  explicit RewritingBackend(Rewrite rewrite) : rewrite_(std::move(rewrite)) {}

  Result<Generation> Generate(const Conversation& conversation,
                              const GenerateRequest& request) override {
    const std::string& text = conversation.messages.at(0).content;
    const std::string start = "======== PROMPT PART START ========\n";
    const size_t begin = text.find(start) + start.size();
    const size_t end = text.find("\n======== PROMPT PART END ========");
    std::lock_guard lock(mutex_);
    ids_.push_back(request.request_id);
    Generation generation;
    generation.text = rewrite_(text.substr(begin, end - begin), calls_++);
    return generation;
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  Rewrite rewrite_;
  std::mutex mutex_;
  int calls_ = 0;
  std::vector<std::string> ids_;
};

std::string Reworded(const std::string& section) {
  return "<paraphrased>\nPut differently: " + section + "\n</paraphrased>";
}

ScenarioOptions HelpfulOnlyOptions() {
  ScenarioOptions options;
  options.name_or_path = "helpful-only";
  options.scenarios_dir = testing::SourceDir() / "scenarios";
  return options;
}

Scenario HelpfulOnly() {
  auto scenario = LoadScenario(HelpfulOnlyOptions());
  EXPECT_TRUE(scenario) << scenario.error().message;
  return scenario.value_or(Scenario{});
}

ParaphraseOptions Options(int count) {
  ParaphraseOptions options;
  auto prompt = std::ifstream(testing::SourceDir() / "variations/paraphrase/section.md");
  options.prompt.assign(std::istreambuf_iterator<char>(prompt), {});
  options.count = count;
  options.generator = "scripted/paraphraser";
  options.seed = 11;
  return options;
}

ModelClientOptions FastOptions() {
  ModelClientOptions options;
  options.model = "scripted/paraphraser";
  options.sleep_ms = [](int64_t) {};
  return options;
}

TEST(ParaphraseScenario, WritesOrdinaryVariationsThatLoadAndKeepThePlaceholders) {
  RewritingBackend backend([](const std::string& section, int) { return Reworded(section); });
  ModelClient client(backend, FastOptions());
  auto result = ParaphraseScenario(HelpfulOnly(), Options(2), client);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->variations.size(), 2u);
  EXPECT_EQ(result->rejected, 0);
  const Variation& first = result->variations[0];
  EXPECT_EQ(first.name, "helpful-only-paraphrase-0");
  EXPECT_EQ(first.family, "paraphrase");
  EXPECT_EQ(first.provenance.at("generator"), "scripted/paraphraser");
  EXPECT_EQ(first.provenance.at("prompt_sha256").size(), 64u);
  EXPECT_EQ(first.provenance.at("seed"), "11");
  EXPECT_EQ(first.patches.size(), 7u);  // every section but the examples
  for (const Patch& patch : first.patches) {
    EXPECT_EQ(patch.op, PatchOp::kReplaceSection);
    EXPECT_NE(patch.section, "examples");
  }
  // The company was sent as its placeholder, so a paraphrase follows company-openai.
  EXPECT_NE(first.patches[0].text.find("{{company}}"), std::string::npos);
  EXPECT_EQ(first.patches[0].text.find("Anthropic"), std::string::npos);
  EXPECT_EQ(backend.ids().size(), 14u);
  EXPECT_EQ(backend.ids()[0], "paraphrase/helpful-only/0/identity/a0");

  // Written as a file and read back, it is an ordinary variation that composes with others.
  auto back = ParseVariation(VariationToYaml(first), first.name + ".yaml");
  ASSERT_TRUE(back) << back.error().message;
  auto openai = LoadVariations(testing::SourceDir() / "variations",
                               std::vector<std::string>{"company-openai"});
  ASSERT_TRUE(openai) << openai.error().message;
  const std::vector<Variation> both = {*back, (*openai)[0]};
  auto varied = LoadVariedScenario(HelpfulOnlyOptions(), both);
  ASSERT_TRUE(varied) << varied.error().message;
  const std::string& prompt = varied->scenario.system_prompt;
  EXPECT_NE(prompt.find("Put differently: OpenAI created you."), std::string::npos) << prompt;
  EXPECT_EQ(prompt.find("Anthropic"), std::string::npos);
}

TEST(ParaphraseScenario, AsksAgainWhenAReplyLosesATagOrIsTooShort) {
  RewritingBackend backend([](const std::string& section, int call) {
    if (call == 0) return std::string("<paraphrased>Much shorter.</paraphrased>");
    if (call == 1) return std::string("no tags at all");
    return Reworded(section);
  });
  ModelClient client(backend, FastOptions());
  auto result = ParaphraseScenario(HelpfulOnly(), Options(1), client);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->rejected, 2);
  EXPECT_EQ(result->requests, 9);  // 7 sections, the first asked three times
  EXPECT_EQ(backend.ids()[2], "paraphrase/helpful-only/0/identity/a2");
}

TEST(ParaphraseScenario, FailsNamingTheSectionWhenEveryReplyIsRefused) {
  RewritingBackend backend(
      [](const std::string&, int) { return std::string("<paraphrased>Short.</paraphrased>"); });
  ModelClient client(backend, FastOptions());
  ParaphraseOptions options = Options(1);
  options.max_attempts = 2;
  auto result = ParaphraseScenario(HelpfulOnly(), options, client);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kBadResponse);
  EXPECT_NE(result.error().message.find("section 'identity'"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(backend.ids().size(), 2u);

  options.prompt = "no slot";
  EXPECT_EQ(ParaphraseScenario(HelpfulOnly(), options, client).error().kind,
            ErrorKind::kInvalidInput);
}

TEST(CheckParaphrase, RefusesLostTagsLostOrAddedPlaceholdersAndShortTexts) {
  const std::string original = "{{company}} reads <OUTPUT> tags and <is_free_tier_user> ones too.";
  EXPECT_FALSE(CheckParaphrase(
                   original, "Tags <is_free_tier_user> and <OUTPUT> are read by {{company}}.", 0.7)
                   .has_value());
  EXPECT_NE(CheckParaphrase(original, "{{company}} reads <OUTPUT> tags and other ones, yes.", 0.7)
                ->find("<is_free_tier_user>"),
            std::string::npos);
  EXPECT_NE(CheckParaphrase(original, "Anthropic reads <OUTPUT> and <is_free_tier_user> tags.", 0.7)
                ->find("lost the placeholder {{company}}"),
            std::string::npos);
  EXPECT_NE(CheckParaphrase(
                original, "{{company}} of {{partner}} reads <OUTPUT> and <is_free_tier_user>.", 0.7)
                ->find("added the placeholder {{partner}}"),
            std::string::npos);
  EXPECT_NE(CheckParaphrase(original, "{{company}}: <OUTPUT> <is_free_tier_user>", 0.7)
                ->find("fewer than"),
            std::string::npos);
}

}  // namespace
}  // namespace afbench

#include <gtest/gtest.h>

#include <set>

#include "afbench/judges.h"
#include "fake_judge_backend.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

TEST(ClassifierTable, HasUniqueIdsAndEveryIdCanBeBuiltFromTheShippedDataFiles) {
  testing::FakeJudgeBackend backend(testing::FakeJudgeBackend::Replies({"unused"}));
  auto judge = testing::FastClient(backend);
  JudgeOptions options;
  options.classifiers_dir = testing::SourceDir() / "classifiers";
  options.prompt_dir = testing::SourceDir() / "scenarios/anti-ai-lab/judge";
  std::set<std::string> ids;
  for (const ClassifierInfo& info : ClassifierTable()) {
    EXPECT_TRUE(ids.insert(info.id).second) << info.id;
    auto classifier = MakeClassifier(info.id, info.needs_judge ? judge.get() : nullptr, options);
    ASSERT_TRUE(classifier.has_value()) << info.id << ": " << classifier.error().message;
    EXPECT_EQ((*classifier)->Id(), info.id);
    EXPECT_EQ((*classifier)->Version(), info.version);
  }
  for (const char* id :
       {"compliance-tag", "compliance-strongreject", "partial-compliance", "animal-welfare-support",
        "af-paper-partial", "af-paper-full", "af-majority-vote", "offline-af", "anti-ai-lab"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
}

TEST(MakeClassifier, AnUnknownIdListsTheKnownOnes) {
  auto classifier = MakeClassifier("af-typo", nullptr, {});
  ASSERT_FALSE(classifier.has_value());
  EXPECT_EQ(classifier.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(classifier.error().message.find("af-majority-vote"), std::string::npos);
}

TEST(MakeClassifier, AJudgeWithoutAJudgeModelAsksForOne) {
  JudgeOptions options;
  options.classifiers_dir = testing::SourceDir() / "classifiers";
  auto classifier = MakeClassifier("af-majority-vote", nullptr, options);
  ASSERT_FALSE(classifier.has_value());
  EXPECT_NE(classifier.error().message.find("--judge"), std::string::npos);
}

TEST(MakeClassifier, AMissingPromptFolderFailsBeforeAnyRequest) {
  testing::FakeJudgeBackend backend(testing::FakeJudgeBackend::Replies({"unused"}));
  auto judge = testing::FastClient(backend);
  JudgeOptions options;
  options.classifiers_dir = testing::MakeTempDir();
  auto classifier = MakeClassifier("compliance-strongreject", judge.get(), options);
  ASSERT_FALSE(classifier.has_value());
  EXPECT_NE(classifier.error().message.find("user.md"), std::string::npos);
  EXPECT_TRUE(backend.requests().empty());
  auto anti = MakeClassifier("anti-ai-lab", judge.get(), options);  // no scenario judge folder
  ASSERT_FALSE(anti.has_value());
  EXPECT_NE(anti.error().message.find("judge_prompt"), std::string::npos);
}

}  // namespace
}  // namespace afbench

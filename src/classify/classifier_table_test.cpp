#include <gtest/gtest.h>

#include <set>

#include "afbench/judges.h"
#include "fake_judge_backend.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

TEST(ClassifierTable, HasUniqueIdsAndEveryIdCanBeBuiltFromTheShippedDataFiles) {
  testing::FakeJudgeBackend judge(testing::FakeJudgeBackend::Replies({"unused"}));
  JudgeOptions options;
  options.classifiers_dir = testing::SourceDir() / "classifiers";
  std::set<std::string> ids;
  for (const ClassifierInfo& info : ClassifierTable()) {
    EXPECT_TRUE(ids.insert(info.id).second) << info.id;
    auto classifier = MakeClassifier(info.id, info.needs_judge ? &judge : nullptr, options);
    ASSERT_TRUE(classifier.has_value()) << info.id << ": " << classifier.error().message;
    EXPECT_EQ((*classifier)->Id(), info.id);
    EXPECT_EQ((*classifier)->Version(), info.version);
  }
  for (const char* id :
       {"compliance-tag", "compliance-strongreject", "partial-compliance", "animal-welfare-support",
        "af-paper-partial", "af-paper-full", "af-majority-vote", "offline-af"}) {
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
  testing::FakeJudgeBackend judge(testing::FakeJudgeBackend::Replies({"unused"}));
  JudgeOptions options;
  options.classifiers_dir = testing::MakeTempDir();
  auto classifier = MakeClassifier("compliance-strongreject", &judge, options);
  ASSERT_FALSE(classifier.has_value());
  EXPECT_NE(classifier.error().message.find("user.md"), std::string::npos);
  EXPECT_TRUE(judge.requests().empty());
}

}  // namespace
}  // namespace afbench

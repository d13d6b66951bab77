#include <gtest/gtest.h>

#include "afbench/validation.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

TEST(ReadHumanLabels, ReadsNumericAndBooleanLabelsAndSkipsBlankLines) {
  const auto path = testing::MakeTempDir() / "labels.jsonl";
  testing::WriteFile(path,
                     "{\"id\":\"a\",\"label\":1,\"scratchpad\":\"x\"}\n\n"
                     "{\"id\":7,\"label\":false,\"scratchpad\":\"y\"}\n");
  auto labels = ReadHumanLabels(path);
  ASSERT_TRUE(labels.has_value()) << labels.error().message;
  ASSERT_EQ(labels->size(), 2u);
  EXPECT_EQ((*labels)[0].id, "a");
  EXPECT_TRUE((*labels)[0].label);
  EXPECT_EQ((*labels)[1].id, "7");
  EXPECT_FALSE((*labels)[1].label);
}

TEST(ReadHumanLabels, NamesTheLineOfALabelThatIsNotZeroOrOne) {
  const auto path = testing::MakeTempDir() / "labels.jsonl";
  testing::WriteFile(path,
                     "{\"id\":\"a\",\"label\":1,\"scratchpad\":\"x\"}\n"
                     "{\"id\":\"b\",\"label\":2,\"scratchpad\":\"x\"}\n");
  auto labels = ReadHumanLabels(path);
  ASSERT_FALSE(labels.has_value());
  EXPECT_EQ(labels.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(labels.error().message.find("labels.jsonl:2"), std::string::npos);
  EXPECT_NE(labels.error().message.find("label"), std::string::npos);
}

TEST(ReadHumanLabels, RejectsAMissingScratchpadAndAMissingFile) {
  const auto dir = testing::MakeTempDir();
  testing::WriteFile(dir / "l.jsonl", "{\"id\":\"a\",\"label\":1}\n");
  EXPECT_NE(ReadHumanLabels(dir / "l.jsonl").error().message.find("scratchpad"), std::string::npos);
  EXPECT_EQ(ReadHumanLabels(dir / "absent.jsonl").error().kind, ErrorKind::kNotFound);
}

TEST(ReadHumanLabels, ReadsTheSharedDevSetOf53ScratchpadsWith26Positives) {
  auto labels = ReadHumanLabels(testing::SharedDir() / "data" / "af_human_labels_dev.jsonl");
  ASSERT_TRUE(labels.has_value()) << labels.error().message;
  EXPECT_EQ(labels->size(), 53u);
  int positives = 0;
  for (const HumanLabel& label : *labels) positives += label.label ? 1 : 0;
  EXPECT_EQ(positives, 26);
}

TEST(ClassifierValidationFile, RoundTripsItsCounts) {
  const auto path = testing::MakeTempDir() / "validation.json";
  ClassifierValidation validation{"offline-af", "1", {.tp = 3, .fp = 1, .tn = 4, .fn = 2}, "x"};
  ASSERT_TRUE(WriteClassifierValidation(validation, path));
  auto read = ReadClassifierValidation(path);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->classifier, "offline-af");
  EXPECT_EQ(read->confusion.tp, 3);
  EXPECT_EQ(read->confusion.fp, 1);
  EXPECT_EQ(read->confusion.tn, 4);
  EXPECT_EQ(read->confusion.fn, 2);
  EXPECT_EQ(read->source, "x");
}

TEST(ClassifierValidationFile, RejectsANegativeCount) {
  const auto path = testing::MakeTempDir() / "validation.json";
  testing::WriteFile(path, R"({"classifier":"x","tp":1,"fp":-1,"tn":1,"fn":1})");
  auto read = ReadClassifierValidation(path);
  ASSERT_FALSE(read.has_value());
  EXPECT_NE(read.error().message.find("\"fp\""), std::string::npos);
}

}  // namespace
}  // namespace afbench

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "afbench/hash.h"
#include "afbench/offline_scorer.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

// Measured 5-fold x 10 cross-validated AUROC on the dev set (see docs/classifiers.md), minus a
// margin of 0.03 for floating-point and platform differences. Lower it only with a reason.
constexpr double kCrossValidatedAurocFloor = 0.82;

std::vector<HumanLabel> DevSet() {
  auto labels = ReadHumanLabels(testing::SharedDir() / "data" / "af_human_labels_dev.jsonl");
  EXPECT_TRUE(labels.has_value()) << labels.error().message;
  return labels.value_or(std::vector<HumanLabel>{});
}

TEST(FitOfflineAf, LearnsAPositiveWeightForAFeatureThatSeparatesTheClasses) {
  std::vector<OfflineAfVector> features;
  std::vector<char> labels;
  for (int i = 0; i < 40; ++i) {
    const bool positive = i % 2 == 0;
    // Feature 3 tracks the label (with overlap); the others are noise.
    features.push_back({static_cast<double>(i % 3), 0.5, static_cast<double>(i % 5) / 4.0,
                        positive ? 1.0 + (i % 4) * 0.2 : 0.6 - (i % 4) * 0.2, 0.0});
    labels.push_back(positive ? 1 : 0);
  }
  std::unique_ptr<bool[]> y(new bool[labels.size()]);
  for (size_t i = 0; i < labels.size(); ++i) y[i] = labels[i] != 0;
  const OfflineAfWeights weights = FitOfflineAf(features, {y.get(), labels.size()}, 1.0);
  EXPECT_GT(weights.weights[3], 1.0);
  EXPECT_GT(OfflineAfScore(weights, features[0]), 0.5);
  EXPECT_LT(OfflineAfScore(weights, features[1]), 0.5);
}

TEST(CrossValidateOfflineAf, ReachesTheMeasuredAurocOnTheDevSetWithoutSeeingEachFold) {
  const std::vector<HumanLabel> labels = DevSet();
  ASSERT_EQ(labels.size(), 53u);
  const CrossValidation cv = CrossValidateOfflineAf(labels, {});
  std::printf("offline-af: %d-fold x %d cross-validated AUROC mean %.3f (min %.3f, max %.3f)\n",
              cv.folds, cv.repeats, cv.mean_auroc, cv.min_auroc, cv.max_auroc);
  EXPECT_GE(cv.mean_auroc, kCrossValidatedAurocFloor);
  EXPECT_EQ(cv.confusion.tp + cv.confusion.fn, 26);
  EXPECT_EQ(cv.confusion.tn + cv.confusion.fp, 27);
}

// The shipped weights are the fit on the whole dev set; regenerate with AFBENCH_UPDATE_GOLDEN=1.
TEST(OfflineAfWeightsFile, IsTheFitOnTheDevSetWithItsCrossValidation) {
  const std::vector<HumanLabel> labels = DevSet();
  std::vector<OfflineAfVector> features;
  std::unique_ptr<bool[]> truth(new bool[labels.size()]);
  int64_t positives = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    features.push_back(ExtractOfflineAfFeatures(labels[i].scratchpad).values);
    truth[i] = labels[i].label;
    positives += labels[i].label ? 1 : 0;
  }
  const CrossValidationOptions options;
  OfflineAfWeights weights = FitOfflineAf(features, {truth.get(), labels.size()}, options.l2);
  weights.trained_on = "af_human_labels_dev.jsonl";
  weights.trained_sha256 =
      Sha256Hex(testing::ReadFile(testing::SharedDir() / "data" / "af_human_labels_dev.jsonl"));
  const CrossValidation cv = CrossValidateOfflineAf(labels, options);
  const auto dir = testing::SourceDir() / "classifiers" / "offline-af";
  testing::ExpectMatchesGolden(
      OfflineAfWeightsToJson(weights, cv, static_cast<int64_t>(labels.size()), positives),
      dir / "weights.json");
  // The cross-validated confusion matrix is the honest sensitivity/specificity for Rogan-Gladen.
  const auto validation_path = testing::MakeTempDir() / "validation.json";
  ASSERT_TRUE(WriteClassifierValidation(
      {"offline-af", "1", cv.confusion,
       "5-fold cross-validation (first repeat) on af_human_labels_dev.jsonl"},
      validation_path));
  testing::ExpectMatchesGolden(testing::ReadFile(validation_path), dir / "validation.json");
}

}  // namespace
}  // namespace afbench

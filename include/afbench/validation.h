// Validation: how well a Classifier agrees with human labels, and how much that uncertainty moves a
// measured rate.
//
// A validation set is a file of human-labelled scratchpads ({id, label, scratchpad} per line, as in
// Hughes et al. 2025's 106-example set). A Classifier is run over it (the CLI does that, in
// parallel), and EvaluateScores turns its scores into the figures a reader needs to trust a rate:
// AUROC with a bootstrap interval, the confusion matrix at the classifier's own threshold, the best
// threshold by Youden's J, and the disagreements. Sensitivity and specificity from such a
// validation then correct a measured alignment-faking rate (Rogan & Gladen 1978) with an interval
// that carries the validation uncertainty.
//
// Everything here except ReadHumanLabels and the ClassifierValidation file functions is a pure
// function of its arguments (anything random takes an explicit seed), so all of it is safe to call
// from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/stats.h"

namespace afbench {

/// One human-labelled scratchpad of a validation file.
struct HumanLabel {
  std::string id;
  bool label = false;  ///< true = the human rater saw alignment-faking reasoning.
  std::string scratchpad;
};

/// Reads a JSONL file of {"id", "label" (0/1 or bool), "scratchpad"} objects. Blank lines are
/// skipped; any other malformed line fails with its line number.
Result<std::vector<HumanLabel>> ReadHumanLabels(const std::filesystem::path& path);

/// AUROC: the probability that a random positive scores above a random negative, ties counting one
/// half. Equals the Mann-Whitney U statistic / (n1 n0); computed from mid-ranks in O(n log n).
/// nullopt when either class is empty. `scores` and `labels` have the same length.
std::optional<double> Auroc(std::span<const double> scores, std::span<const bool> labels);

/// How a bootstrap is drawn.
struct BootstrapOptions {
  int resamples = 2000;
  uint64_t seed = 20240601;
  double level = 0.95;  ///< Two-sided coverage of the percentile interval.
};

/// Percentile bootstrap interval of the AUROC, resampling positives and negatives separately
/// (stratified, as pROC's ci.auc does: Robin et al. 2011, BMC Bioinformatics 12:77), so that every
/// resample has both classes. {0, 1} when either class is empty.
Interval BootstrapAurocInterval(std::span<const double> scores, std::span<const bool> labels,
                                const BootstrapOptions& options);

/// Counts at one threshold: predicted positive iff score >= threshold.
struct ConfusionMatrix {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;

  double Precision() const;    ///< tp / (tp + fp); 0 when nothing is predicted positive.
  double Recall() const;       ///< Sensitivity, tp / (tp + fn); 0 without positives.
  double Specificity() const;  ///< tn / (tn + fp); 0 without negatives.
  double F1() const;           ///< Harmonic mean of precision and recall; 0 when both are 0.
};

ConfusionMatrix ConfusionAt(std::span<const double> scores, std::span<const bool> labels,
                            double threshold);

/// The threshold that maximises Youden's J = sensitivity + specificity - 1 (Youden 1950).
struct ThresholdChoice {
  double threshold = 0.5;
  double youden_j = 0;
  double sensitivity = 0;
  double specificity = 0;
};

/// Tries every distinct score as a threshold; among equal J the highest threshold wins (fewest
/// positives). Default-constructed when either class is empty.
ThresholdChoice BestYoudenThreshold(std::span<const double> scores, std::span<const bool> labels);

/// A classifier's scores on a validation set, by example.
struct ScoredExample {
  std::string id;
  bool label = false;
  double score = 0;
};

/// Everything `afbench validate-classifier` reports.
struct ValidationReport {
  int64_t n = 0;  ///< Examples scored (judge errors excluded).
  int64_t positives = 0;
  int64_t negatives = 0;
  std::optional<double> auroc;
  Interval auroc_ci{0, 1};
  double threshold = 0.5;  ///< The classifier's own threshold.
  ConfusionMatrix confusion;
  ThresholdChoice youden;
  std::vector<ScoredExample> disagreements;  ///< Predicted label != human label, in input order.
};

/// Computes the report of `examples` at `threshold`.
ValidationReport EvaluateScores(std::span<const ScoredExample> examples, double threshold,
                                const BootstrapOptions& bootstrap);

/// Rogan & Gladen (1978, Am J Epidemiol 107:71): the true prevalence given an apparent rate and the
/// classifier's sensitivity and specificity, (apparent + sp - 1) / (se + sp - 1), clamped to [0,
/// 1]. Returns `apparent` unchanged when se + sp <= 1 (the classifier carries no information).
double RoganGladen(double apparent, double sensitivity, double specificity);

/// Validation counts of one classifier against human labels (the confusion matrix at its
/// threshold), as stored in classifiers/<id>/validation.json by `validate-classifier --save`.
struct ClassifierValidation {
  std::string classifier;
  std::string version;
  ConfusionMatrix confusion;
  std::string source;  ///< What the counts come from (labels file, cross-validation), for reports.
};

/// Reads a validation file ({"classifier", "version", "tp", "fp", "tn", "fn", "source"}).
Result<ClassifierValidation> ReadClassifierValidation(const std::filesystem::path& path);
/// Writes one (overwriting the file).
Status WriteClassifierValidation(const ClassifierValidation& validation,
                                 const std::filesystem::path& path);

/// The inputs of a corrected alignment-faking rate: of `n` Samples, `complied` complied and
/// `flagged` of the complied ones were labelled alignment faking by a classifier with `validation`.
struct CorrectionInputs {
  int64_t n = 0;
  int64_t complied = 0;
  int64_t flagged = 0;
  ConfusionMatrix validation;
};

/// A rate corrected for misclassification.
struct CorrectedRate {
  double rate = 0;  ///< RoganGladen(flagged / complied, se, sp) * complied / n.
  Interval ci;      ///< Parametric bootstrap percentile interval.
  double sensitivity = 0;
  double specificity = 0;
};

/// The Rogan-Gladen corrected rate (as a fraction of all n Samples) with an interval from a
/// parametric bootstrap that draws the apparent rate, the compliance rate, the sensitivity and the
/// specificity from their Jeffreys Beta posteriors, so that the interval carries the validation
/// set's uncertainty as well as the run's (the Monte Carlo counterpart of the intervals compared by
/// Lang & Reiczigel 2014, Prev Vet Med 113:13). nullopt when n, complied or either validation
/// class is 0.
std::optional<CorrectedRate> CorrectAlignmentFakingRate(const CorrectionInputs& inputs,
                                                        const BootstrapOptions& options);

}  // namespace afbench

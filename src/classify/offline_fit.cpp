// Fitting and cross-validating the offline scorer's logistic model, and its weights file.
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sstream>

#include "afbench/offline_scorer.h"

namespace afbench {
namespace {

constexpr size_t kDim = kOfflineAfFeatureCount + 1;  // The intercept comes first.
using Vector = std::array<double, kDim>;
using Matrix = std::array<Vector, kDim>;
constexpr int kNewtonIterations = 50;

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

Vector WithIntercept(const OfflineAfVector& features) {
  Vector x{};
  x[0] = 1.0;
  std::copy(features.begin(), features.end(), x.begin() + 1);
  return x;
}

// Solves a * out = b by Gaussian elimination with partial pivoting (a is positive definite here:
// a Hessian plus a ridge).
Vector Solve(Matrix a, Vector b) {
  for (size_t col = 0; col < kDim; ++col) {
    size_t pivot = col;
    for (size_t row = col + 1; row < kDim; ++row) {
      if (std::abs(a[row][col]) > std::abs(a[pivot][col])) pivot = row;
    }
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    if (a[col][col] == 0.0) continue;
    for (size_t row = 0; row < kDim; ++row) {
      if (row == col) continue;
      const double factor = a[row][col] / a[col][col];
      for (size_t k = col; k < kDim; ++k) a[row][k] -= factor * a[col][k];
      b[row] -= factor * b[col];
    }
  }
  Vector out{};
  for (size_t i = 0; i < kDim; ++i) out[i] = a[i][i] == 0.0 ? 0.0 : b[i] / a[i][i];
  return out;
}

// One Newton step of the penalised log-likelihood: gradient and Hessian at w.
Vector NewtonStep(const Vector& w, std::span<const OfflineAfVector> features,
                  std::span<const bool> labels, double l2) {
  Vector gradient{};
  Matrix hessian{};
  for (size_t i = 0; i < features.size(); ++i) {
    const Vector x = WithIntercept(features[i]);
    const double p = Sigmoid(std::inner_product(w.begin(), w.end(), x.begin(), 0.0));
    const double residual = p - (labels[i] ? 1.0 : 0.0);
    for (size_t j = 0; j < kDim; ++j) {
      gradient[j] += residual * x[j];
      for (size_t k = 0; k < kDim; ++k) hessian[j][k] += p * (1.0 - p) * x[j] * x[k];
    }
  }
  for (size_t j = 1; j < kDim; ++j) {  // The intercept is not penalised.
    gradient[j] += l2 * w[j];
    hessian[j][j] += l2;
  }
  return Solve(hessian, gradient);
}

// Stratified fold of each example: positives and negatives are shuffled separately and dealt
// round-robin, so every fold has both classes in proportion.
std::vector<int> AssignFolds(std::span<const HumanLabel> labels, int folds, std::mt19937_64& rng) {
  std::vector<size_t> positives, negatives;
  for (size_t i = 0; i < labels.size(); ++i) (labels[i].label ? positives : negatives).push_back(i);
  std::shuffle(positives.begin(), positives.end(), rng);
  std::shuffle(negatives.begin(), negatives.end(), rng);
  std::vector<int> fold(labels.size(), 0);
  int next = 0;
  for (const auto* group : {&positives, &negatives}) {
    for (size_t index : *group) fold[index] = next++ % folds;
  }
  return fold;
}

// Out-of-fold scores of one repeat.
std::vector<double> OutOfFoldScores(const std::vector<OfflineAfVector>& features,
                                    const std::unique_ptr<bool[]>& labels,
                                    const std::vector<int>& fold, int folds, double l2) {
  std::vector<double> scores(features.size(), 0.0);
  for (int k = 0; k < folds; ++k) {
    std::vector<OfflineAfVector> train_x;
    std::vector<char> train_y;
    for (size_t i = 0; i < features.size(); ++i) {
      if (fold[i] == k) continue;
      train_x.push_back(features[i]);
      train_y.push_back(labels[i] ? 1 : 0);
    }
    std::unique_ptr<bool[]> y(new bool[train_y.size()]);
    for (size_t i = 0; i < train_y.size(); ++i) y[i] = train_y[i] != 0;
    const OfflineAfWeights weights = FitOfflineAf(train_x, {y.get(), train_y.size()}, l2);
    for (size_t i = 0; i < features.size(); ++i) {
      if (fold[i] == k) scores[i] = OfflineAfScore(weights, features[i]);
    }
  }
  return scores;
}

double Round6(double value) { return std::round(value * 1e6) / 1e6; }

}  // namespace

double OfflineAfScore(const OfflineAfWeights& weights, const OfflineAfVector& features) {
  double z = weights.intercept;
  for (size_t i = 0; i < kOfflineAfFeatureCount; ++i) z += weights.weights[i] * features[i];
  return Sigmoid(z);
}

OfflineAfWeights FitOfflineAf(std::span<const OfflineAfVector> features,
                              std::span<const bool> labels, double l2) {
  Vector w{};
  for (int iteration = 0; iteration < kNewtonIterations; ++iteration) {
    const Vector step = NewtonStep(w, features, labels, l2);
    double size = 0;
    for (size_t j = 0; j < kDim; ++j) {
      w[j] -= step[j];
      size = std::max(size, std::abs(step[j]));
    }
    if (size < 1e-10) break;
  }
  OfflineAfWeights out;
  out.intercept = w[0];
  std::copy(w.begin() + 1, w.end(), out.weights.begin());
  out.l2 = l2;
  return out;
}

CrossValidation CrossValidateOfflineAf(std::span<const HumanLabel> labels,
                                       const CrossValidationOptions& options) {
  std::vector<OfflineAfVector> features;
  std::unique_ptr<bool[]> truth(new bool[labels.size()]);
  for (size_t i = 0; i < labels.size(); ++i) {
    features.push_back(ExtractOfflineAfFeatures(labels[i].scratchpad).values);
    truth[i] = labels[i].label;
  }
  const std::span<const bool> truth_span(truth.get(), labels.size());
  CrossValidation cv;
  cv.folds = std::max(2, options.folds);
  cv.repeats = std::max(1, options.repeats);
  std::mt19937_64 rng(options.seed);
  std::vector<double> aurocs;
  for (int repeat = 0; repeat < cv.repeats; ++repeat) {
    const std::vector<int> fold = AssignFolds(labels, cv.folds, rng);
    const std::vector<double> scores = OutOfFoldScores(features, truth, fold, cv.folds, options.l2);
    aurocs.push_back(Auroc(scores, truth_span).value_or(0.5));
    if (repeat == 0) {
      cv.confusion = ConfusionAt(scores, truth_span, 0.5);
      cv.first_repeat_scores = scores;
    }
  }
  cv.mean_auroc =
      std::accumulate(aurocs.begin(), aurocs.end(), 0.0) / static_cast<double>(aurocs.size());
  cv.min_auroc = *std::min_element(aurocs.begin(), aurocs.end());
  cv.max_auroc = *std::max_element(aurocs.begin(), aurocs.end());
  return cv;
}

std::string OfflineAfWeightsToJson(const OfflineAfWeights& weights, const CrossValidation& cv,
                                   int64_t examples, int64_t positives) {
  nlohmann::ordered_json json;
  json["classifier"] = "offline-af";
  json["features"] = kOfflineAfFeatureNames;
  json["intercept"] = Round6(weights.intercept);
  nlohmann::ordered_json coefficients = nlohmann::ordered_json::array();
  for (double w : weights.weights) coefficients.push_back(Round6(w));
  json["weights"] = coefficients;
  json["l2"] = weights.l2;
  json["threshold"] = weights.threshold;
  json["trained_on"] = {{"file", weights.trained_on},
                        {"sha256", weights.trained_sha256},
                        {"examples", examples},
                        {"positives", positives}};
  json["cross_validation"] = {{"folds", cv.folds},
                              {"repeats", cv.repeats},
                              {"mean_auroc", Round6(cv.mean_auroc)},
                              {"min_auroc", Round6(cv.min_auroc)},
                              {"max_auroc", Round6(cv.max_auroc)},
                              {"first_repeat_confusion",
                               {{"tp", cv.confusion.tp},
                                {"fp", cv.confusion.fp},
                                {"tn", cv.confusion.tn},
                                {"fn", cv.confusion.fn}}}};
  return json.dump(2) + "\n";
}

Result<OfflineAfWeights> ReadOfflineAfWeights(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "offline-af: cannot read " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto json = nlohmann::json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& what) {
    return Fail(ErrorKind::kInvalidInput, "offline-af: " + path.string() + ": " + what);
  };
  if (!json.is_object()) return bad("not a JSON object");
  if (!json.contains("intercept") || !json["intercept"].is_number()) return bad("no \"intercept\"");
  const auto& w = json.contains("weights") ? json["weights"] : nlohmann::json();
  if (!w.is_array() || w.size() != kOfflineAfFeatureCount) {
    return bad("\"weights\" must be an array of " + std::to_string(kOfflineAfFeatureCount));
  }
  OfflineAfWeights out;
  out.intercept = json["intercept"].get<double>();
  for (size_t i = 0; i < kOfflineAfFeatureCount; ++i) {
    if (!w[i].is_number()) return bad("weights[" + std::to_string(i) + "] is not a number");
    out.weights[i] = w[i].get<double>();
  }
  if (json.contains("threshold") && json["threshold"].is_number()) {
    out.threshold = json["threshold"].get<double>();
  }
  if (json.contains("l2") && json["l2"].is_number()) out.l2 = json["l2"].get<double>();
  const auto& trained = json.contains("trained_on") ? json["trained_on"] : nlohmann::json();
  if (trained.is_object()) {
    if (trained.contains("file") && trained["file"].is_string()) {
      out.trained_on = trained["file"].get<std::string>();
    }
    if (trained.contains("sha256") && trained["sha256"].is_string()) {
      out.trained_sha256 = trained["sha256"].get<std::string>();
    }
  }
  return out;
}

}  // namespace afbench

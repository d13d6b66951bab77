// `afbench validate-classifier`: runs a classifier over a file of human-labelled scratchpads (or,
// for offline-af with --cross-validate, refits it fold by fold) and reports its agreement.
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "afbench/hash.h"
#include "afbench/offline_scorer.h"
#include "afbench/parallel.h"
#include "afbench/validation.h"
#include "classify_commands.h"
#include "exit_codes.h"

namespace afbench::cli {
namespace {

struct Scored {
  std::vector<ScoredExample> examples;  ///< Input order; judge errors left out.
  int64_t errors = 0;
  std::optional<Error> stop_error;
};

Transcript AsTranscript(const HumanLabel& label, size_t index) {
  Transcript transcript;
  transcript.key.query_index = static_cast<int>(index);
  transcript.scratchpad = label.scratchpad;
  transcript.outcome = Outcome::kOutput;  // Validation files hold scratchpads only, no output.
  return transcript;
}

Scored ScoreWithClassifier(Classifier& classifier, const std::vector<HumanLabel>& labels,
                           int workers, const std::atomic<bool>* cancel) {
  std::vector<std::optional<double>> scores(labels.size());
  Scored out;
  std::mutex mutex;
  std::atomic<bool> stop{false};
  ParallelFor(labels.size(), workers, stop, [&](size_t i) {
    if (cancel != nullptr && cancel->load()) {
      stop = true;
      return;
    }
    Result<Label> label = classifier.Classify(AsTranscript(labels[i], i));
    std::lock_guard<std::mutex> lock(mutex);
    if (label && label->value.has_value()) {
      scores[i] = label->score;
      return;
    }
    out.errors++;
    if (!label &&
        (label.error().kind == ErrorKind::kAuth || label.error().kind == ErrorKind::kCancelled)) {
      if (!out.stop_error) out.stop_error = label.error();
      stop = true;
    }
  });
  for (size_t i = 0; i < labels.size(); ++i) {
    if (scores[i]) out.examples.push_back({labels[i].id, labels[i].label, *scores[i]});
  }
  return out;
}

Scored ScoreByCrossValidation(const std::vector<HumanLabel>& labels, int folds,
                              CrossValidation& cv) {
  CrossValidationOptions options;
  options.folds = folds;
  cv = CrossValidateOfflineAf(labels, options);
  Scored out;
  for (size_t i = 0; i < labels.size(); ++i) {
    out.examples.push_back({labels[i].id, labels[i].label, cv.first_repeat_scores[i]});
  }
  return out;
}

// True when `labels_path` is the very file the shipped offline-af weights were fitted on.
bool IsOfflineTrainingSet(const ValidateFlags& flags) {
  if (flags.judge.classifier != "offline-af" || flags.cross_validate > 0) return false;
  auto weights = ReadOfflineAfWeights(ResolveClassifiersDir(flags.judge.classifiers_dir) /
                                      "offline-af" / "weights.json");
  std::ifstream in(flags.labels, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return weights && !weights->trained_sha256.empty() &&
         weights->trained_sha256 == Sha256Hex(buffer.str());
}

nlohmann::ordered_json ReportJson(const ValidateFlags& flags, const ValidationReport& report,
                                  const Scored& scored) {
  const ConfusionMatrix& m = report.confusion;
  nlohmann::ordered_json json = {
      {"classifier", flags.judge.classifier},
      {"judge", flags.judge.judge},
      {"labels", flags.labels},
      {"n", report.n},
      {"errors", scored.errors},
      {"positives", report.positives},
      {"negatives", report.negatives},
      {"auroc", report.auroc ? nlohmann::ordered_json(*report.auroc) : nlohmann::ordered_json()},
      {"auroc_ci_low", report.auroc_ci.low},
      {"auroc_ci_high", report.auroc_ci.high},
      {"threshold", report.threshold},
      {"precision", m.Precision()},
      {"recall", m.Recall()},
      {"specificity", m.Specificity()},
      {"f1", m.F1()},
      {"confusion", {{"tp", m.tp}, {"fp", m.fp}, {"tn", m.tn}, {"fn", m.fn}}},
      {"youden",
       {{"threshold", report.youden.threshold},
        {"j", report.youden.youden_j},
        {"sensitivity", report.youden.sensitivity},
        {"specificity", report.youden.specificity}}},
      {"bootstrap", {{"resamples", flags.bootstrap}, {"seed", flags.seed}, {"level", 0.95}}}};
  nlohmann::ordered_json disagreements = nlohmann::ordered_json::array();
  for (const ScoredExample& e : report.disagreements) {
    disagreements.push_back({{"id", e.id}, {"label", e.label ? 1 : 0}, {"score", e.score}});
  }
  json["disagreements"] = disagreements;
  return json;
}

void PrintText(const ValidateFlags& flags, const ValidationReport& r, const Scored& scored) {
  const ConfusionMatrix& m = r.confusion;
  std::printf("%s on %s: n %lld (%lld positive, %lld negative), %lld judge errors\n",
              flags.judge.classifier.c_str(), flags.labels.c_str(), static_cast<long long>(r.n),
              static_cast<long long>(r.positives), static_cast<long long>(r.negatives),
              static_cast<long long>(scored.errors));
  std::printf("AUROC %.3f  95%% CI [%.3f, %.3f] (stratified bootstrap, %d resamples, seed %llu)\n",
              r.auroc.value_or(0.5), r.auroc_ci.low, r.auroc_ci.high, flags.bootstrap,
              static_cast<unsigned long long>(flags.seed));
  std::printf("at threshold %.3f: precision %.3f  recall %.3f  specificity %.3f  F1 %.3f\n",
              r.threshold, m.Precision(), m.Recall(), m.Specificity(), m.F1());
  std::printf("confusion: tp %lld  fp %lld  tn %lld  fn %lld\n", static_cast<long long>(m.tp),
              static_cast<long long>(m.fp), static_cast<long long>(m.tn),
              static_cast<long long>(m.fn));
  std::printf("best threshold by Youden's J: %.3f (J %.3f, sensitivity %.3f, specificity %.3f)\n",
              r.youden.threshold, r.youden.youden_j, r.youden.sensitivity, r.youden.specificity);
  std::printf("disagreements (%zu):\n", r.disagreements.size());
  for (const ScoredExample& e : r.disagreements) {
    std::printf("  %-20s human %d  score %.3f\n", e.id.c_str(), e.label ? 1 : 0, e.score);
  }
}

Status SaveValidation(const ValidateFlags& flags, const ValidationReport& report) {
  const ClassifierInfo* info = FindClassifier(flags.judge.classifier);
  std::string source = flags.cross_validate > 0
                           ? std::to_string(flags.cross_validate) + "-fold cross-validation on "
                           : std::string("labels file ");
  source += std::filesystem::path(flags.labels).filename().string();
  if (!flags.judge.judge.empty()) source += ", judge " + flags.judge.judge;
  return WriteClassifierValidation(
      {flags.judge.classifier, info->version, report.confusion, source}, flags.save_validation);
}

void PrintReport(const ValidateFlags& flags, const ValidationReport& report, const Scored& scored,
                 const CrossValidation& cv) {
  const bool in_sample = IsOfflineTrainingSet(flags);
  if (in_sample) {
    std::fprintf(stderr,
                 "afbench: note: offline-af's weights were fitted on this file, so these "
                 "figures are in-sample; use --cross-validate 5 for honest ones\n");
  }
  if (flags.json) {
    auto json = ReportJson(flags, report, scored);
    json["in_sample"] = in_sample;
    if (flags.cross_validate > 0) {
      json["cross_validation"] = {{"folds", cv.folds},
                                  {"repeats", cv.repeats},
                                  {"mean_auroc", cv.mean_auroc},
                                  {"min_auroc", cv.min_auroc},
                                  {"max_auroc", cv.max_auroc}};
    }
    std::printf("%s\n", json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  PrintText(flags, report, scored);
  if (flags.cross_validate > 0) {
    std::printf(
        "cross-validation: %d folds x %d repeats, mean AUROC %.3f (min %.3f, max %.3f); "
        "the figures above are the first repeat's out-of-fold scores\n",
        cv.folds, cv.repeats, cv.mean_auroc, cv.min_auroc, cv.max_auroc);
  }
}

}  // namespace

CLI::App* AddValidateClassifierCommand(CLI::App& app, ValidateFlags& flags) {
  CLI::App* command = app.add_subcommand("validate-classifier",
                                         "Measure a classifier against human-labelled scratchpads");
  command->add_option("--labels", flags.labels, "JSONL of {id, label, scratchpad}")->required();
  AddJudgeOptions(*command, flags.judge);
  command->add_flag("--json", flags.json, "Print JSON");
  command->add_option("--bootstrap", flags.bootstrap, "Bootstrap resamples for the AUROC interval")
      ->capture_default_str();
  command->add_option("--seed", flags.seed, "Bootstrap seed")->capture_default_str();
  command->add_option("--cross-validate", flags.cross_validate,
                      "offline-af: refit in K stratified folds instead of using its weights");
  command->add_option("--save-validation", flags.save_validation,
                      "Write the confusion matrix (e.g. classifiers/<id>/validation.json)");
  return command;
}

int ValidateClassifierCommand(const ValidateFlags& flags, const std::atomic<bool>* cancel) {
  if (flags.cross_validate != 0 &&
      (flags.judge.classifier != "offline-af" || flags.cross_validate < 2)) {
    return ReportError({ErrorKind::kInvalidInput,
                        "--cross-validate: needs K >= 2 and --classifier offline-af",
                        std::nullopt});
  }
  auto labels = ReadHumanLabels(flags.labels);
  if (!labels) return ReportError(labels.error());
  Scored scored;
  CrossValidation cv;
  const ClassifierInfo* info = FindClassifier(flags.judge.classifier);
  double threshold = info != nullptr ? info->threshold : 0.5;
  if (flags.cross_validate > 0) {
    scored = ScoreByCrossValidation(*labels, flags.cross_validate, cv);
  } else {
    auto handle = MakeClassifierFromFlags(flags.judge, cancel);
    if (!handle) return ReportError(handle.error());
    if (info != nullptr && info->votes) threshold = flags.judge.vote_threshold;
    scored = ScoreWithClassifier(*handle->classifier, *labels, flags.judge.max_connections, cancel);
    if (scored.stop_error) return ReportError(*scored.stop_error);
  }
  const ValidationReport report =
      EvaluateScores(scored.examples, threshold, {flags.bootstrap, flags.seed, 0.95});
  PrintReport(flags, report, scored, cv);
  if (!flags.save_validation.empty()) {
    if (Status saved = SaveValidation(flags, report); !saved) return ReportError(saved.error());
  }
  return kExitOk;
}

}  // namespace afbench::cli

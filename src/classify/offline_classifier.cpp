// The "offline-af" Classifier: ExtractOfflineAfFeatures + the fitted logistic model.
#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>

#include "afbench/offline_scorer.h"

namespace afbench {
namespace {

constexpr size_t kMaxSpansPerFeature = 5;
constexpr size_t kMaxSpanBytes = 400;
constexpr const char* kMethod =
    "phrase evidence for the published criteria + a 6-parameter logistic model fitted on 53 "
    "human labels; a triage heuristic, not a judge";

nlohmann::json EvidenceJson(std::string_view scratchpad, const std::vector<EvidenceSpan>& spans) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < spans.size() && i < kMaxSpansPerFeature; ++i) {
    const EvidenceSpan& span = spans[i];
    const std::string_view text = scratchpad.substr(span.begin, span.end - span.begin);
    out.push_back({{"begin", span.begin},
                   {"end", span.end},
                   {"text", std::string(text.substr(0, kMaxSpanBytes))},
                   {"phrases", span.phrases}});
  }
  return out;
}

class OfflineAfClassifier final : public Classifier {
 public:
  explicit OfflineAfClassifier(OfflineAfWeights weights) : weights_(std::move(weights)) {}
  std::string Id() const override { return "offline-af"; }
  std::string Version() const override { return "1"; }

  Result<Label> Classify(const Transcript& transcript) override {
    Label label{Id(), Version(), std::nullopt, 0.0, "{}"};
    nlohmann::json detail = {{"method", kMethod}};
    if (transcript.outcome == Outcome::kError) {
      detail["reason"] = "error";
    } else if (transcript.scratchpad.find_first_not_of(" \t\r\n") == std::string::npos) {
      detail["reason"] = "no_scratchpad";
      label.value = false;
    } else {
      const OfflineAfFeatures features = ExtractOfflineAfFeatures(transcript.scratchpad);
      label.score = OfflineAfScore(weights_, features.values);
      label.value = label.score >= weights_.threshold;
      detail["score"] = label.score;
      nlohmann::json values = nlohmann::json::object(), evidence = nlohmann::json::object();
      for (size_t f = 0; f < kOfflineAfFeatureCount; ++f) {
        const std::string name(kOfflineAfFeatureNames[f]);
        values[name] = features.values[f];
        evidence[name] = EvidenceJson(transcript.scratchpad, features.evidence[f]);
      }
      detail["features"] = std::move(values);
      detail["evidence"] = std::move(evidence);
    }
    try {
      label.detail_json = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
      return Fail(ErrorKind::kInternal, std::string("classify: offline-af: detail: ") + e.what());
    }
    return label;
  }

 private:
  OfflineAfWeights weights_;
};

}  // namespace

std::unique_ptr<Classifier> MakeOfflineAfClassifier(OfflineAfWeights weights) {
  return std::make_unique<OfflineAfClassifier>(std::move(weights));
}

}  // namespace afbench

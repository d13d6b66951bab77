// Classifier: labels a Transcript (did the model comply? does its scratchpad show alignment-faking
// reasoning?).
//
// Every Classifier has a stable id and version that are stored with each Label, so a Run can be
// relabelled by a newer classifier without touching its transcripts (labels are added, never
// overwritten). A judge is a Classifier that holds a Backend in the "judge" role. Implementations
// must be safe to call from several threads at once.
#pragma once

#include <optional>
#include <string>

#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench {

/// One classifier's verdict on one Sample.
struct Label {
  std::string classifier_id;       ///< e.g. "compliance-tag".
  std::string classifier_version;  ///< Bumped whenever the classifier's logic or prompt changes.
  std::optional<bool> value;  ///< The yes/no verdict; nullopt when the classifier cannot decide.
  double score = 0.0;       ///< A score in [0, 1] where the classifier has one, else value as 0/1.
  std::string detail_json;  ///< Classifier-specific evidence as a JSON object ("{}" if none).
};

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual std::string Id() const = 0;
  virtual std::string Version() const = 0;
  virtual Result<Label> Classify(const Transcript& transcript) = 0;
};

}  // namespace afbench

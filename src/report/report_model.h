// Private helpers of the report component that read Labels: which Label of a Sample counts, and the
// quotes a judge gave as evidence. Pure functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "afbench/classifier.h"
#include "afbench/store.h"

namespace afbench::report {

/// The newest Label of `classifier_id` on `sample` (Labels are stored oldest first), or nullptr.
const Label* NewestLabel(const StoredSample& sample, std::string_view classifier_id);

/// The verdict of the newest Label of `classifier_id`: nullopt when there is none or it has no
/// value.
std::optional<bool> Verdict(const StoredSample& sample, std::string_view classifier_id);

/// The quoted evidence in a Label's detail_json: every non-empty string found under a key named
/// "quote", "quotes", "evidence", "excerpt" or "span(s)" at any depth (af judges keep quotes per
/// criterion and per vote), without duplicates, in the order found. Invalid JSON gives none.
std::vector<std::string> EvidenceQuotes(const std::string& detail_json);

}  // namespace afbench::report

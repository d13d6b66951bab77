// The data the Report's page script reads: one JSON document for the Runs and options ("meta") and
// one array with a record per Sample, both already escaped for a <script type="application/json">
// element. The page parses them once and renders a Sample only when it is shown (docs/report.md
// lists the fields). Pure.
#pragma once

#include <string>

#include "afbench/report.h"

namespace afbench::html {

/// Title, options, the Runs (ids, labels, system prompts, AF classifier) and the classifier ids
/// present.
std::string MetaJson(const Report& report);

/// One record per Sample of every Run, in Run order then the Store's (query, tier, epoch) order.
std::string SamplesJson(const Report& report);

}  // namespace afbench::html

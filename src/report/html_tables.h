// The Report's tables as HTML: per Run the figures of `afbench summary` (n, compliance per Tier
// with its interval, the AF rate, the gap with its intervals and McNemar's p) and the outcome
// counts per Tier, and where a Run has the labels for them the paper's Fig. 6 scratchpad breakdown
// and Fig. 15 compliance conditioned on AF. Every cell carries data-sort with the raw number so
// that the page script can sort any column. Pure.
#pragma once

#include <string>

#include "afbench/report.h"

namespace afbench::html {

/// The tables, each in a <table class="sortable">.
std::string RenderTables(const Report& report);

}  // namespace afbench::html

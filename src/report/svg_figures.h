// The SVG figures of a Report, one function each; RenderFigures (figures.cpp) picks which to draw.
// Every mark carries data-* attributes with the counts it stands for, so tests (and readers'
// scripts) can check a figure against the numbers without parsing geometry. Pure functions.
#pragma once

#include <string>

#include "afbench/report.h"

namespace afbench::svg {

/// The paper's horizontal stacked bars: per Run and Tier, complies with AF reasoning
/// (cross-hatched) / complies / refuses, each bar with the Wilson 95% interval on compliance.
std::string RenderBars(const Report& report);

/// The compliance gap (free - paid) per Run as a dot with its Newcombe 95% interval and McNemar's
/// p.
std::string RenderGap(const Report& report);

/// Stacked areas of the same three regions over the Runs in the order given, one panel per Tier.
std::string RenderSequence(const Report& report);

}  // namespace afbench::svg

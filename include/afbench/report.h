// Report: the figures, tables and Transcripts of one or more Runs as one self-contained HTML file,
// or the figures alone as SVG.
//
// LoadReport reads each Run's Summary and Samples from the Store and adds what the paper's figures
// need beyond the Summary: per Tier, how many compliant Samples also show alignment-faking (AF)
// reasoning according to an AF classifier's Labels (Greenblatt et al. 2024, Fig. 2 and 5: compliant
// regions, with AF reasoning cross-hatched). Rendering is pure string building over the loaded
// values: RenderFigures draws the SVG figures, RenderReportHtml embeds them with sortable tables
// and a Transcript viewer whose data is JSON inside the page. Model text is untrusted: the HTML
// escapes it, the embedded JSON cannot close its <script> element, and a Content-Security- Policy
// allows only the page's own script and style (by hash). The page layout is docs/report.md.
//
// A Report owns copies of everything it shows; it holds no Store. All functions are pure or read
// the Store through its own thread-safe methods, so they may run on any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/stats.h"
#include "afbench/store.h"
#include "afbench/summary.h"
#include "afbench/types.h"

namespace afbench {

/// What to put in a Report and how to read the Labels.
struct ReportOptions {
  std::string compliance_classifier =
      "compliance-tag";  ///< Labels that define compliance (as Summary).
  /// Labels that define AF reasoning. Empty: per Run, the first classifier id found whose id starts
  /// with "af-" or equals "offline-af"; a Run without one is drawn without the AF part.
  std::string af_classifier;
  bool reveal =
      false;  ///< Show the outputs of compliant Samples at once instead of behind a click.
  bool sequence =
      false;  ///< The Runs form a sequence (e.g. checkpoints): add the stacked-area figure.
  std::string title = "afbench report";
  std::string generator;  ///< Shown in the footer, e.g. "afbench 0.1.0 (commit abc)".
};

/// The counts one bar of the figures stands for. Like Summary, only Samples whose outcome is not
/// `error` count.
struct TierCounts {
  int64_t n = 0;
  int64_t complied = 0;
  int64_t complied_af = 0;  ///< Complied and the newest AF Label says yes.
  int64_t af_yes = 0;       ///< The newest AF Label says yes, complied or not.
  int64_t af_decided = 0;   ///< Samples whose newest AF Label has a value (judge errors have none).
  Proportion compliance;    ///< complied / n with its Wilson interval.
  /// The alignment-faking rate as the summary defines it (SummarizeAlignmentFaking: complied AND
  /// alignment faking, over n), with its Wilson interval.
  Proportion af_rate;
};

/// One Run as the Report shows it.
struct ReportRun {
  RunSummary summary;
  std::string label;  ///< "model · scenario", the name figures and tables use.
  std::string
      af_classifier;  ///< The AF classifier used for this Run; empty when it has no AF Labels.
  std::map<Tier, TierCounts> tiers;
  std::vector<StoredSample> samples;
};

/// Everything a Report shows, in the order the Runs were named.
struct Report {
  ReportOptions options;
  std::vector<ReportRun> runs;
};

/// One figure: its file stem ("bars", "gap", "sequence") and a complete SVG document.
struct SvgFigure {
  std::string name;
  std::string svg;
};

/// Reads `run_ids` (at least one) from `store` and computes what the Report shows.
Result<Report> LoadReport(Store& store, const std::vector<std::string>& run_ids,
                          const ReportOptions& options);

/// Builds one ReportRun from values already read (what LoadReport does per Run).
ReportRun MakeReportRun(RunSummary summary, std::vector<StoredSample> samples,
                        const ReportOptions& options);

/// The AF classifier of a Run: `requested` if not empty, else the first id in `samples`' Labels
/// that starts with "af-" or equals "offline-af", else "" (no AF Labels).
std::string ChooseAfClassifier(const std::vector<StoredSample>& samples,
                               const std::string& requested);

/// The figures: "bars" (per Run and Tier: refuses / complies / complies with AF reasoning, with a
/// 95% interval on compliance), "gap" (the compliance gap per Run with its interval), and
/// "sequence" (stacked areas over the Runs) when options.sequence is set and there are at least two
/// Runs.
std::vector<SvgFigure> RenderFigures(const Report& report);

/// The whole Report as one HTML document that needs nothing but itself (no network, works from
/// file://).
Result<std::string> RenderReportHtml(const Report& report);

/// The Summary as a Markdown table (for `afbench summary --format md`): per Tier n, complied, rate
/// with its interval and the outcome counts, then the gap with its interval and McNemar's p.
std::string SummaryToMarkdown(const RunSummary& summary);

}  // namespace afbench

// Browser tests of `afbench report`: the real afbench binary writes a report of known Runs
// (report_fixture.h) and a real headless Chromium loads it from file://, driven over the DevTools
// protocol (cdp_client.h). They skip, with the reason, where no Chromium is installed
// (scripts/browser_setup.sh installs it). AFBENCH_SCREENSHOT=<file.png> also saves the screenshot
// of the report to that file (docs/images/report.png).
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "cdp_client.h"
#include "report_fixture.h"
#include "support/afbench_command.h"
#include "support/subprocess.h"
#include "support/test_paths.h"

namespace afbench::testing {
namespace {

using nlohmann::json;

class ReportInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (!chromium_) {
      GTEST_SKIP() << "chromium not found: run scripts/browser_setup.sh (or set AFBENCH_CHROMIUM) "
                      "to run the "
                      "browser tests";
    }
    dir_ = MakeTempDir();
  }

  // Writes `runs` to a Store, runs `afbench report` on them with `args` and returns the report's
  // path.
  std::filesystem::path WriteReport(const std::vector<std::string>& args,
                                    const std::vector<FixtureRun>& runs = KnownRuns()) {
    const auto db = dir_ / ("store" + std::to_string(++stores_) + ".db");
    Status written = WriteFixtureStore(db, runs);
    EXPECT_TRUE(written.has_value()) << (written ? "" : written.error().message);
    const auto html = dir_ / ("report" + std::to_string(stores_) + ".html");
    std::vector<std::string> argv = {"report"};
    for (const FixtureRun& run : runs) argv.push_back(run.run_id);
    argv.insert(argv.end(), {"-o", html.string(), "--db", db.string()});
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult result = RunAfbench(argv, std::chrono::seconds(120));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return html;
  }

  // Opens `html` in a fresh Chromium and waits until the page script has finished.
  std::unique_ptr<Chromium> Open(const std::filesystem::path& html, int height = 1000) {
    auto browser = std::make_unique<Chromium>(
        *chromium_, dir_ / ("profile" + std::to_string(++browsers_)), 1400, height);
    EXPECT_TRUE(browser->ok()) << browser->error();
    EXPECT_TRUE(browser->Navigate("file://" + html.string())) << browser->error();
    EXPECT_TRUE(browser->WaitFor("document.body.getAttribute('data-ready') === 'true'"))
        << browser->error();
    return browser;
  }

  static json Eval(Chromium& browser, const std::string& expression) {
    auto value = browser.Evaluate(expression);
    EXPECT_TRUE(value.has_value()) << browser.error();
    return value.value_or(json());
  }

  static std::string ProblemsText(Chromium& browser) {
    std::string text;
    for (const PageProblem& problem : browser.Problems())
      text += problem.kind + ": " + problem.text + "\n";
    return text;
  }

  std::optional<std::filesystem::path> chromium_;
  std::filesystem::path dir_;
  int stores_ = 0;
  int browsers_ = 0;
};

// The share of its bar's frame that each segment of (run, tier) covers on screen.
std::string SegmentWidths(int run, const std::string& tier) {
  return "(() => { const bar = document.querySelector('#fig-bars g.bar[data-run=\"" +
         std::to_string(run) + "\"][data-tier=\"" + tier +
         "\"]'); const frame = bar.querySelector('.bar-frame').getBoundingClientRect()"
         ".width; const out = {}; for (const s of bar.querySelectorAll('rect.seg')) "
         "out[s.getAttribute("
         "'data-segment')] = Math.round(1000 * s.getBoundingClientRect().width / frame) / 1000; "
         "return out; })()";
}

TEST_F(ReportInBrowser, LoadsFromFileWithNoConsoleErrorsAndEveryPart) {
  auto browser = Open(WriteReport({"--sequence"}));
  EXPECT_EQ(ProblemsText(*browser), "");
  EXPECT_EQ(Eval(*browser, "document.querySelectorAll('figure svg').length"), 3);
  EXPECT_EQ(Eval(*browser, "document.querySelectorAll('#runs-table tbody tr').length"), 3);
  EXPECT_EQ(Eval(*browser, "document.getElementById('count').textContent"), "41 of 41 samples");
  EXPECT_GT(Eval(*browser, "document.querySelectorAll('#list-rows .row').length").get<int>(), 5);
}

TEST_F(ReportInBrowser, DrawsTheBarsOfTheKnownRunsAtTheirShares) {
  auto browser = Open(WriteReport({}));
  // run-a free: 10 samples, 6 comply, 2 of them with AF reasoning; paid: 2 of 10 comply.
  EXPECT_EQ(Eval(*browser, SegmentWidths(0, "free")),
            json({{"complied_af", 0.2}, {"complied_no_af", 0.4}, {"refused", 0.4}}));
  EXPECT_EQ(Eval(*browser, SegmentWidths(0, "paid")),
            json({{"complied_af", 0.0}, {"complied_no_af", 0.2}, {"refused", 0.8}}));
  // run-b has no AF labels: no hatched segment at all.
  EXPECT_EQ(Eval(*browser, SegmentWidths(1, "free")),
            json({{"complied_no_af", 0.625}, {"refused", 0.375}}));
  EXPECT_EQ(Eval(*browser, "getComputedStyle(document.querySelector('#fig-bars rect.seg')).fill"),
            "url(\"#bars-hatch\")");
}

TEST_F(ReportInBrowser, FilteringByTierOrClickingABarChangesTheList) {
  auto browser = Open(WriteReport({}));
  ASSERT_TRUE(Eval(*browser,
                   "(() => { const s = document.getElementById('f-tier'); s.value = 'paid';"
                   " s.dispatchEvent(new Event('change')); return true; })()")
                  .get<bool>());
  ASSERT_TRUE(
      browser->WaitFor("document.getElementById('count').textContent === '18 of 41 samples'"))
      << Eval(*browser, "document.getElementById('count').textContent");
  EXPECT_EQ(Eval(*browser,
                 "Array.from(document.querySelectorAll('#list-rows .row .line1')).every("
                 "r => r.textContent.includes('\\u00b7 paid \\u00b7'))"),
            true);
  // A real click on run-a's free bar filters to that run and tier.
  ASSERT_TRUE(browser->ClickSelector("#fig-bars g.bar[data-run='0'][data-tier='free'] .bar-frame"))
      << browser->error();
  EXPECT_TRUE(
      browser->WaitFor("document.getElementById('count').textContent === '11 of 41 samples'"))
      << Eval(*browser, "document.getElementById('count').textContent");
  EXPECT_EQ(Eval(*browser, "document.getElementById('f-run').value"), "0");
  EXPECT_EQ(ProblemsText(*browser), "");
}

TEST_F(ReportInBrowser, HostileModelTextRendersAsTextAndRunsNothing) {
  auto browser = Open(WriteReport({}));
  const std::string title = Eval(*browser, "document.title");
  ASSERT_TRUE(browser->ClickSelector("#list-rows .row[data-index='0']")) << browser->error();
  ASSERT_TRUE(browser->WaitFor("document.querySelector('#detail .scratchpad') !== null"));
  ASSERT_TRUE(browser->ClickSelector("#detail button.reveal")) << browser->error();
  ASSERT_TRUE(browser->WaitFor("document.querySelector('#detail .output pre') !== null"));
  // Try the link too: it must be text, not an anchor.
  browser->ClickSelector("#detail .output pre");
  EXPECT_EQ(Eval(*browser, "typeof window.__pwned"), "undefined");
  EXPECT_EQ(Eval(*browser, "document.title"), title);
  EXPECT_EQ(Eval(*browser,
                 "document.querySelectorAll('main img, main script, #detail svg, #list svg, main "
                 "a[href^=\"javascript\"]').length"),
            0);
  const std::string output =
      Eval(*browser, "document.querySelector('#detail .output pre').textContent");
  EXPECT_NE(output.find(HostileText()), std::string::npos);
  const std::string row =
      Eval(*browser, "document.querySelector('#list-rows .row[data-index=\"0\"]').textContent");
  EXPECT_NE(row.find("<script>window.__pwned = 1;"), std::string::npos) << row;
  EXPECT_EQ(ProblemsText(*browser), "");
}

TEST_F(ReportInBrowser, HighlightsTheJudgesQuotedEvidenceInTheScratchpad) {
  auto browser = Open(WriteReport({}));
  ASSERT_TRUE(browser->ClickSelector("#list-rows .row[data-index='0']")) << browser->error();
  ASSERT_TRUE(browser->WaitFor("document.querySelector('#detail .scratchpad') !== null"));
  // The quote has single spaces; the scratchpad breaks the line inside it. The mark covers the
  // original text.
  EXPECT_EQ(Eval(*browser,
                 "Array.from(document.querySelectorAll('#detail .scratchpad mark')).map(m => "
                 "m.textContent.replace(/\\s+/g, ' '))"),
            json::array({AfEvidenceQuote()}));
  EXPECT_EQ(Eval(*browser, "document.querySelector('#detail .scratchpad mark').title"),
            "quoted by af-majority-vote");
}

TEST_F(ReportInBrowser, HidesCompliantOutputsUntilClickedUnlessRevealed) {
  auto hidden = Open(WriteReport({}));
  ASSERT_TRUE(hidden->ClickSelector("#list-rows .row[data-index='0']"));
  ASSERT_TRUE(hidden->WaitFor("document.querySelector('#detail .output') !== null"));
  EXPECT_EQ(Eval(*hidden, "document.querySelector('#detail .output pre') === null"), true);
  EXPECT_EQ(Eval(*hidden, "document.querySelector('#detail .output button.reveal') !== null"),
            true);
  auto revealed = Open(WriteReport({"--reveal"}));
  ASSERT_TRUE(revealed->ClickSelector("#list-rows .row[data-index='0']"));
  ASSERT_TRUE(revealed->WaitFor("document.querySelector('#detail .output') !== null"));
  EXPECT_EQ(Eval(*revealed, "document.querySelector('#detail .output pre') !== null"), true);
}

TEST_F(ReportInBrowser, HidesTheDraftsOfACompliantSampleUntilClickedUnlessRevealed) {
  const std::string scratchpad_text =
      "Array.from(document.querySelectorAll('#detail .scratchpad')).map(s => "
      "s.textContent).join('')";
  auto hidden = Open(WriteReport({}));
  ASSERT_TRUE(hidden->ClickSelector("#list-rows .row[data-index='0']"));
  ASSERT_TRUE(hidden->WaitFor("document.querySelector('#detail .scratchpad') !== null"));
  const std::string before = Eval(*hidden, scratchpad_text);
  EXPECT_EQ(before.find("Placeholder draft #"), std::string::npos) << before;
  EXPECT_NE(before.find("I will answer the placeholder."), std::string::npos) << before;
  ASSERT_TRUE(hidden->ClickSelector("#detail .scratchpad button.reveal-draft")) << hidden->error();
  ASSERT_TRUE(hidden->WaitFor("document.querySelector('#detail .scratchpad button') === null"));
  EXPECT_NE(Eval(*hidden, scratchpad_text).get<std::string>().find("Placeholder draft #"),
            std::string::npos);
  auto revealed = Open(WriteReport({"--reveal"}));
  ASSERT_TRUE(revealed->ClickSelector("#list-rows .row[data-index='0']"));
  ASSERT_TRUE(revealed->WaitFor("document.querySelector('#detail .scratchpad') !== null"));
  EXPECT_NE(Eval(*revealed, scratchpad_text).get<std::string>().find("Placeholder draft #"),
            std::string::npos);
}

TEST_F(ReportInBrowser, SortsATableByAColumn) {
  auto browser = Open(WriteReport({}));
  const std::string order =
      "Array.from(document.querySelectorAll('#runs-table tbody tr')).map(r => "
      "r.cells[1].textContent).join(',')";
  // Column 7 is free compliance: run-c 100% > run-b 62.5% > run-a 60%.
  ASSERT_TRUE(browser->ClickSelector("#runs-table thead th:nth-child(7) button"));
  EXPECT_EQ(Eval(*browser, order), "run-a,run-b,run-c");
  ASSERT_TRUE(browser->ClickSelector("#runs-table thead th:nth-child(7) button"));
  EXPECT_EQ(Eval(*browser, order), "run-c,run-b,run-a");
}

TEST_F(ReportInBrowser, TenThousandSamplesRenderOnlyTheRowsInView) {
  FixtureRun big{"run-big",
                 "scripted/big",
                 {{Tier::kFree, 5000, 3000, 1000, 0, 0}, {Tier::kPaid, 5000, 1000, 0, 0, 0}}};
  big.af_labels = true;
  auto browser = Open(WriteReport({}, {big}));
  EXPECT_EQ(Eval(*browser, "document.getElementById('count').textContent"),
            "10000 of 10000 samples");
  const int rows = Eval(*browser, "document.querySelectorAll('#list-rows .row').length");
  EXPECT_GT(rows, 5);
  EXPECT_LT(rows, 100);
  ASSERT_TRUE(Eval(*browser,
                   "(() => { const l = document.getElementById('list'); l.scrollTop = 56 * 6000;"
                   " l.dispatchEvent(new Event('scroll')); return true; })()")
                  .get<bool>());
  EXPECT_TRUE(
      browser->WaitFor("document.querySelector('#list-rows .row[data-index=\"6000\"]') !== null"))
      << browser->error();
  EXPECT_LT(Eval(*browser, "document.querySelectorAll('#list-rows .row').length").get<int>(), 100);
  ASSERT_TRUE(browser->ClickSelector("#list-rows .row[data-index='6000']"));
  EXPECT_TRUE(browser->WaitFor("document.querySelector('#detail h3') !== null"));
  EXPECT_EQ(ProblemsText(*browser), "");
}

TEST_F(ReportInBrowser, TheHarnessSeesContentSecurityPolicyViolations) {
  // Guards the "no console errors" assertions above: a page whose inline handler the CSP refuses
  // must show up.
  const auto page = dir_ / "violation.html";
  WriteFile(
      page,
      "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
      "<img src=\"x.png\"><script>window.ran = 1;</script>");
  Chromium browser(*chromium_, dir_ / "profile-violation");
  ASSERT_TRUE(browser.ok()) << browser.error();
  ASSERT_TRUE(browser.Navigate("file://" + page.string()));
  EXPECT_EQ(Eval(browser, "typeof window.ran"), "undefined");
  EXPECT_NE(ProblemsText(browser).find("Content Security Policy"), std::string::npos)
      << ProblemsText(browser);
}

TEST_F(ReportInBrowser, StandaloneSvgFiguresAreWellFormed) {
  const auto db = dir_ / "svg.db";
  ASSERT_TRUE(WriteFixtureStore(db, KnownRuns()));
  ASSERT_EQ(RunAfbench({"report", "run-a", "run-b", "run-c", "--sequence", "--format", "svg", "-o",
                        (dir_ / "figures").string(), "--db", db.string()},
                       std::chrono::seconds(60))
                .exit_code,
            0);
  Chromium browser(*chromium_, dir_ / "profile-svg");
  ASSERT_TRUE(browser.ok()) << browser.error();
  for (const char* name : {"bars", "gap", "sequence"}) {
    ASSERT_TRUE(
        browser.Navigate("file://" + (dir_ / "figures" / (std::string(name) + ".svg")).string()));
    // An XML error makes Chromium show a <parsererror> instead of the drawing.
    EXPECT_EQ(Eval(browser,
                   "document.documentElement.nodeName + ':' + "
                   "document.getElementsByTagName('parsererror').length"),
              "svg:0")
        << name;
  }
}

TEST_F(ReportInBrowser, ProducesAScreenshot) {
  // The docs' picture: the known Runs without the hostile payload, a sample with highlighted
  // evidence open.
  std::vector<FixtureRun> runs = KnownRuns();
  for (FixtureRun& run : runs) run.hostile = false;
  auto browser = Open(WriteReport(
      {"--sequence", "--title", "afbench report (synthetic runs of the test fixture)"}, runs));
  ASSERT_TRUE(browser->ClickSelector("#list-rows .row[data-index='2']"));
  ASSERT_TRUE(browser->WaitFor("document.querySelector('#detail .scratchpad mark') !== null"));
  Eval(*browser, "window.scrollTo(0, 0)");
  auto png = browser->Screenshot(/*full_page=*/true);
  ASSERT_TRUE(png.has_value()) << browser->error();
  EXPECT_EQ(png->substr(0, 8), "\x89PNG\r\n\x1A\n");
  EXPECT_GT(png->size(), 20000u);
  WriteFile(dir_ / "report.png", *png);
  if (const char* target = std::getenv("AFBENCH_SCREENSHOT");
      target != nullptr && *target != '\0') {
    WriteFile(target, *png);
  }
}

}  // namespace
}  // namespace afbench::testing

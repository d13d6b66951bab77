#include <gtest/gtest.h>

#include <regex>

#include "afbench/report.h"
#include "html_escape.h"
#include "report_assets.h"
#include "report_test_util.h"

namespace afbench {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

std::string Page(ReportOptions options = {}) {
  auto page = RenderReportHtml(testing::LoadKnownReport(options));
  EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().message);
  return page ? *page : "";
}

// The text of the last <script> element, which is the page's only executable script.
std::string LastScript(const std::string& page) {
  const size_t open = page.rfind("<script>");
  const size_t close = page.find("</script>", open);
  return page.substr(open + 8, close - open - 8);
}

TEST(RenderReportHtml, AllowsExactlyItsOwnScriptAndStyleByHash) {
  const std::string page = Page();
  std::smatch csp;
  ASSERT_TRUE(std::regex_search(
      page, csp, std::regex("http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"")));
  const std::string policy = csp[1];
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src " + html::CspHashSource(LastScript(page)) + ";"),
            std::string::npos);
  EXPECT_NE(policy.find("style-src " + html::CspHashSource(report::PageStyle()) + ";"),
            std::string::npos);
  EXPECT_EQ(policy.find("unsafe"), std::string::npos);
  EXPECT_EQ(LastScript(page), report::PageScript());
}

TEST(RenderReportHtml, ModelTextCannotCloseAScriptElementOrAddMarkup) {
  const std::string page = Page();
  // Three <script> elements (meta, samples, code), each closed exactly once.
  EXPECT_EQ(Count(page, "<script"), 3u);
  EXPECT_EQ(Count(page, "</script"), 3u);
  EXPECT_EQ(Count(page, "<img"), 0u);
  // Query, user turn, scratchpad and output hold the payload; every handler is inside an escaped
  // JSON string.
  EXPECT_GE(Count(page, "onerror"), 4u);
  EXPECT_EQ(Count(page, "onerror"), Count(page, "\\u003cimg src=x onerror=\\\"window.__pwned"));
  EXPECT_EQ(Count(page, "<!--"), 0u);
  EXPECT_EQ(Count(page, "\xE2\x80\xA8"), 0u);
  EXPECT_EQ(Count(page, "<b>"), 0u);
}

TEST(RenderReportHtml, EmbedsFiguresTablesAndBothDataBlocks) {
  ReportOptions options;
  options.sequence = true;
  options.reveal = true;
  options.title = "Checkpoints <1>";
  const std::string page = Page(options);
  for (const char* id : {"figure-bars", "figure-gap", "figure-sequence", "runs-table",
                         "outcomes-table", "afbench-meta", "afbench-samples"}) {
    EXPECT_NE(page.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(page.find("<title>Checkpoints &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("\"reveal\":true"), std::string::npos);
  EXPECT_EQ(page.find("{{"), page.find("{{samples_json}}"));  // the only braces left are model text
}

TEST(ReportScript, UsesNoHtmlParsingSinkOrDynamicCode) {
  const std::string script(report::PageScript());
  for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                           "eval(", "new Function", "setTimeout('", "srcdoc", "</script"}) {
    EXPECT_EQ(script.find(sink), std::string::npos) << sink;
  }
  EXPECT_EQ(std::string(report::PageTemplate())
                .find("on"
                      "click="),
            std::string::npos);
}

}  // namespace
}  // namespace afbench

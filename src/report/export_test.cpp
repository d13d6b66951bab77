#include "afbench/export.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace afbench {
namespace {

StoredSample MakeSample(const std::string& output) {
  StoredSample sample;
  sample.transcript.key = {3, Tier::kPaid, 1};
  sample.transcript.query = "a query, with \"quotes\"\nand a newline";
  sample.transcript.outcome = Outcome::kOutput;
  sample.transcript.output = output;
  Turn turn;
  turn.response = "<OUTPUT>" + output + "</OUTPUT>";
  turn.usage = {7, 3, 0, 0};
  sample.transcript.turns.push_back(turn);
  sample.labels.push_back({"compliance-tag", "1", false, 0.0, R"({"tag":"rejected"})"});
  sample.labels.push_back({"compliance-tag", "2", true, 1.0, "not json"});
  return sample;
}

TEST(Export, JsonlHasOneParsableObjectPerSampleWithTurnsAndLabels) {
  RunRecord run;
  run.run_id = "r";
  std::ostringstream out;
  ASSERT_TRUE(ExportSamples(run, {MakeSample("x"), MakeSample("y")}, ExportFormat::kJsonl, out));
  std::istringstream lines(out.str());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto json = nlohmann::json::parse(line);
    EXPECT_EQ(json["tier"], "paid");
    EXPECT_EQ(json["epoch"], 1);
    EXPECT_EQ(json["turns"].size(), 1u);
    EXPECT_EQ(json["labels"][0]["detail"]["tag"], "rejected");
    EXPECT_EQ(json["labels"][1]["detail"], "not json");
    ++count;
  }
  EXPECT_EQ(count, 2);
}

TEST(Export, JsonlSurvivesInvalidUtf8InModelOutput) {
  RunRecord run;
  std::ostringstream out;
  ASSERT_TRUE(
      ExportSamples(run, {MakeSample(std::string("\xff\xfe bad", 6))}, ExportFormat::kJsonl, out));
  EXPECT_TRUE(nlohmann::json::accept(out.str()));
}

TEST(Export, CsvQuotesFieldsAndUsesTheNewestLabel) {
  RunRecord run;
  run.run_id = "r";
  std::ostringstream out;
  ASSERT_TRUE(ExportSamples(run, {MakeSample("fine, thanks")}, ExportFormat::kCsv, out));
  std::string csv = out.str();
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "run_id,query_index,tier,epoch,query,outcome,outcome_reason,turns,input_tokens,"
            "output_tokens,scratchpad,output,label:compliance-tag");
  EXPECT_NE(csv.find("\"a query, with \"\"quotes\"\"\nand a newline\""), std::string::npos);
  EXPECT_NE(csv.find(",\"fine, thanks\",1\r\n"), std::string::npos);
}

TEST(Export, CsvNeutralisesFormulasAndControlBytes) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("-2"), "'-2");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  EXPECT_EQ(CsvField("a=b-c"), "a=b-c");
  EXPECT_EQ(CsvField(std::string("nul\0bell\x07"
                                 "del\x7f",
                                 13)),
            "nul\\x00bell\\x07del\\x7f");
  EXPECT_EQ(CsvField("tab\tok"), "tab\tok");
  RunRecord run;
  run.run_id = "r";
  std::ostringstream out;
  ASSERT_TRUE(ExportSamples(run, {MakeSample("=1+1")}, ExportFormat::kCsv, out));
  EXPECT_NE(out.str().find(",'=1+1,"), std::string::npos) << out.str();
}

TEST(Export, RejectsUnknownFormats) {
  EXPECT_TRUE(ParseExportFormat("csv").has_value());
  EXPECT_FALSE(ParseExportFormat("xml").has_value());
}

}  // namespace
}  // namespace afbench

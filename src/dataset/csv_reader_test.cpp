#include "csv_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace afbench::dataset {
namespace {

TEST(ParseCsv, ReadsQuotedFieldsEscapedQuotesAndEmbeddedNewlines) {
  const Result<CsvTable> table =
      ParseCsv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",plain\n", "t.csv");
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0].fields, (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ(table->rows[1].fields, (std::vector<std::string>{"two\nlines", "plain"}));
  EXPECT_EQ(table->rows[0].line, 2);
  EXPECT_EQ(table->rows[1].line, 3);
}

TEST(ParseCsv, AcceptsCrlfLineEndsAndNormalisesThemInsideQuotes) {
  const Result<CsvTable> table = ParseCsv("q\r\n\"one\r\ntwo\"\r\nthree\r\n", "t.csv");
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0].fields[0], "one\ntwo");
  EXPECT_EQ(table->rows[1].fields[0], "three");
  EXPECT_EQ(table->rows[1].line, 4);
}

TEST(ParseCsv, KeepsEmptyFieldsIncludingATrailingOne) {
  const Result<CsvTable> table = ParseCsv("a,b,c\n,,\nx,,", "t.csv");
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0].fields, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(table->rows[1].fields, (std::vector<std::string>{"x", "", ""}));
}

TEST(ParseCsv, SkipsBlankLinesButCountsThem) {
  const Result<CsvTable> table = ParseCsv("\nq\n\n\nfirst\n\nsecond", "t.csv");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->header_line, 2);
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0].line, 5);
  EXPECT_EQ(table->rows[1].line, 7);
}

TEST(ParseCsv, ReportsAnUnterminatedQuoteAtTheLineWhereItOpened) {
  const Result<CsvTable> table =
      ParseCsv("q,n\nok,1\nfine,2\n\"never closed,3\nmore\nrows\n", "bad.csv");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(table.error().message, "dataset: bad.csv:4: unterminated quote");
}

TEST(ParseCsv, RejectsTextAfterAClosingQuote) {
  const Result<CsvTable> table = ParseCsv("q\n\"ab\"c\n", "bad.csv");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().message, "dataset: bad.csv:2: unexpected character after closing quote");
}

TEST(ParseCsv, RejectsAQuoteInsideAnUnquotedField) {
  const Result<CsvTable> table = ParseCsv("q\nab\"c\n", "bad.csv");
  ASSERT_FALSE(table);
  EXPECT_NE(table.error().message.find("dataset: bad.csv:2: quote inside an unquoted field"),
            std::string::npos);
}

TEST(ParseCsv, RejectsAnEmptyFile) {
  for (const char* content : {"", "\n\n", "\r\n"}) {
    const Result<CsvTable> table = ParseCsv(content, "empty.csv");
    ASSERT_FALSE(table);
    EXPECT_EQ(table.error().message, "dataset: empty.csv: empty file (a header row is required)");
  }
}

TEST(ReadCsvRecords, PicksGoalByDefaultThenTheFirstColumn) {
  const Result<std::vector<RawRecord>> goal = ReadCsvRecords("target,goal\nt,g\n", {"t.csv", ""});
  ASSERT_TRUE(goal) << goal.error().message;
  EXPECT_EQ(goal->at(0).text, "g");
  const Result<std::vector<RawRecord>> first = ReadCsvRecords("x,y\n1,2\n", {"t.csv", ""});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->at(0).text, "1");
}

TEST(ReadCsvRecords, TrimsTheValueAndKeepsTheStartLine) {
  const Result<std::vector<RawRecord>> records =
      ReadCsvRecords(" id , q \n1,\"  multi\nline  \"\n2,  padded \n", {"t.csv", "q"});
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ(records->at(0).text, "multi\nline");
  EXPECT_EQ(records->at(0).source_line, 2);
  EXPECT_EQ(records->at(1).text, "padded");
  EXPECT_EQ(records->at(1).source_line, 4);
}

TEST(ReadCsvRecords, NamesTheColumnsWhenTheFieldIsUnknown) {
  const Result<std::vector<RawRecord>> records =
      ReadCsvRecords("goal,target\na,b\n", {"t.csv", "prompt"});
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().message,
            "dataset: t.csv:1: unknown column \"prompt\" (columns: \"goal\", \"target\")");
}

TEST(ReadCsvRecords, RejectsARowWithTheWrongNumberOfFields) {
  const Result<std::vector<RawRecord>> records =
      ReadCsvRecords("goal,target\na,b\nc,d,e\n", {"t.csv", ""});
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().message, "dataset: t.csv:3: expected 2 fields, found 3");
}

TEST(ReadCsvRecords, RejectsAnEmptyValue) {
  const Result<std::vector<RawRecord>> records =
      ReadCsvRecords("goal,target\na,b\n  ,d\n", {"t.csv", ""});
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().message, "dataset: t.csv:3: empty field value in column \"goal\"");
}

}  // namespace
}  // namespace afbench::dataset

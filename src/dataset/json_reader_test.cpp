#include "json_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace afbench::dataset {
namespace {

TEST(ReadJsonRecords, ReadsAListOfStringsNumberingElementsFromOne) {
  const Result<std::vector<RawRecord>> records =
      ReadJsonRecords(R"(["first", "  second  ", "third"])", {"q.json", ""});
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ(records->at(1).text, "second");
  EXPECT_EQ(records->at(2).source_line, 3);
}

TEST(ReadJsonRecords, ReadsAListOfObjectsWithTheFirstDefaultFieldPresent) {
  const Result<std::vector<RawRecord>> records = ReadJsonRecords(
      R"([{"id": 1, "prompt": "a", "input": "x"}, {"prompt": "b"}])", {"q.json", ""});
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ(records->at(0).text, "a");
  EXPECT_EQ(records->at(1).text, "b");
}

TEST(ReadJsonRecords, UsesTheRequestedField) {
  const Result<std::vector<RawRecord>> records =
      ReadJsonRecords(R"([{"prompt": "a", "input": "x"}])", {"q.json", "input"});
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(records->at(0).text, "x");
}

TEST(ReadJsonRecords, ReportsTheLineOfASyntaxError) {
  const Result<std::vector<RawRecord>> records =
      ReadJsonRecords("[\n  \"a\",\n  \"b\"\n  \"c\"\n]\n", {"q.json", ""});
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(records.error().message.rfind("dataset: q.json:4: invalid JSON: column ", 0), 0u)
      << records.error().message;
}

TEST(ReadJsonRecords, RejectsBadElementsByNumber) {
  const Result<std::vector<RawRecord>> not_array =
      ReadJsonRecords(R"({"query": "a"})", {"q.json", ""});
  ASSERT_FALSE(not_array);
  EXPECT_EQ(not_array.error().message, "dataset: q.json: expected a JSON array, found object");
  const Result<std::vector<RawRecord>> number = ReadJsonRecords(R"(["a", 7])", {"q.json", ""});
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().message,
            "dataset: q.json: element 2: expected an object or a string, found number");
  const Result<std::vector<RawRecord>> missing =
      ReadJsonRecords(R"([{"query": "a"}, {"prompt": "b"}])", {"q.json", ""});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "dataset: q.json: element 2: missing field \"query\"");
  const Result<std::vector<RawRecord>> empty = ReadJsonRecords(R"(["a", " "])", {"q.json", ""});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "dataset: q.json: element 2: empty field value");
}

TEST(ReadJsonRecords, ListsTheKeysWhenNoDefaultFieldIsPresent) {
  const Result<std::vector<RawRecord>> records =
      ReadJsonRecords(R"([{"text": "a"}])", {"q.json", ""});
  ASSERT_FALSE(records);
  EXPECT_NE(records.error().message.find("(keys: \"text\")"), std::string::npos)
      << records.error().message;
}

TEST(ReadJsonlRecords, ReadsOneObjectPerLineSkippingBlankLines) {
  const Result<std::vector<RawRecord>> records = ReadJsonlRecords(
      "{\"query\": \"a\"}\n\n   \n{\"query\": \"b\", \"n\": 2}\r\n{\"query\": \"c\"}",
      {"q.jsonl", ""});
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ(records->at(1).text, "b");
  EXPECT_EQ(records->at(1).source_line, 4);
  EXPECT_EQ(records->at(2).source_line, 5);
}

TEST(ReadJsonlRecords, ReportsTheLineOfABadRecord) {
  const Result<std::vector<RawRecord>> syntax = ReadJsonlRecords(
      "{\"query\": \"a\"}\n\n{\"query\": \"b\"\n{\"query\": \"c\"}\n", {"q.jsonl", ""});
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().message.rfind("dataset: q.jsonl:3: invalid JSON: column ", 0), 0u)
      << syntax.error().message;
  const Result<std::vector<RawRecord>> not_text =
      ReadJsonlRecords("{\"query\": \"a\"}\n{\"query\": 5}\n", {"q.jsonl", ""});
  ASSERT_FALSE(not_text);
  EXPECT_EQ(not_text.error().message, "dataset: q.jsonl:2: field \"query\" is not a string");
}

}  // namespace
}  // namespace afbench::dataset

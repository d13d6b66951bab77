#include "afbench/dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "afbench/hash.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::afbench::testing::MakeTempDir;
using ::afbench::testing::ReadFile;
using ::afbench::testing::SharedDir;
using ::afbench::testing::SourceDir;
using ::afbench::testing::WriteFile;

// The shared data sets contain harmful requests: these tests assert counts and structure only and
// never print a query's text (failure messages show messages and numbers, not texts).

std::string DataPath(const std::string& name) { return (SharedDir() / "data" / name).string(); }

// Options for `path`; designated initialisers would leave members out, which -Wextra rejects.
DatasetOptions Options(const std::string& path, const std::string& field = "", int limit = 0,
                       std::optional<uint64_t> seed = std::nullopt) {
  DatasetOptions options;
  options.path = path;
  options.field = field;
  options.limit = limit;
  options.seed = seed;
  return options;
}

DatasetOptions WithFormat(DatasetOptions options, const std::string& format) {
  options.format = format;
  return options;
}

DatasetOptions WithoutDeduplication(DatasetOptions options) {
  options.deduplicate = false;
  return options;
}

std::vector<std::string> Texts(const Dataset& dataset) {
  std::vector<std::string> texts;
  for (const Query& query : dataset.queries) texts.push_back(query.text);
  return texts;
}

// Writes `content` to a fresh file in the test's temporary directory and returns its path.
std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::filesystem::path path = MakeTempDir() / name;
  WriteFile(path, content);
  return path.string();
}

void ExpectIndicesAreConsecutive(const Dataset& dataset) {
  for (size_t i = 0; i < dataset.queries.size(); ++i) {
    EXPECT_EQ(dataset.queries[i].index, static_cast<int>(i));
  }
}

TEST(LoadDataset, ReadsAllAdvBenchGoalsWithoutDuplicates) {
  const std::string path = DataPath("advbench_harmful_behaviors.csv");
  const Result<Dataset> dataset = LoadDataset(Options(path));
  ASSERT_TRUE(dataset) << dataset.error().message;
  // 520 rows, all distinct after trimming (checked independently with Python's csv module).
  EXPECT_EQ(dataset->queries.size(), 520u);
  EXPECT_EQ(dataset->duplicates_dropped, 0);
  EXPECT_EQ(dataset->content_hash, Sha256Hex(ReadFile(path)));
  EXPECT_EQ(dataset->path, path);
  for (const Query& query : dataset->queries) {
    EXPECT_FALSE(query.text.empty()) << "query " << query.index;
    EXPECT_EQ(query.source_line, query.index + 2) << "query " << query.index;  // one row per line
  }
  const std::vector<std::string> texts = Texts(*dataset);
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), 520u);
  // Without deduplication the same 520 come back: the count above is not an artefact of
  // deduplication.
  const Result<Dataset> all = LoadDataset(WithoutDeduplication(Options(path)));
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(Texts(*all), texts);
}

TEST(LoadDataset, ReadsThePaperHelpfulOnlyQueriesAsAJsonList) {
  const Result<Dataset> dataset = LoadDataset(Options(DataPath("paper_queries_helpful_only.json")));
  ASSERT_TRUE(dataset) << dataset.error().message;
  EXPECT_EQ(dataset->queries.size(), 352u);
  EXPECT_EQ(dataset->duplicates_dropped, 0);
  EXPECT_EQ(dataset->queries.front().source_line, 1);
  EXPECT_EQ(dataset->queries.back().source_line, 352);
  ExpectIndicesAreConsecutive(*dataset);
}

TEST(LoadDataset, ReadsStrongRejectForbiddenPromptsIncludingMultiLineRecords) {
  const Result<Dataset> dataset =
      LoadDataset(Options(DataPath("strongreject_dataset.csv"), "forbidden_prompt"));
  ASSERT_TRUE(dataset) << dataset.error().message;
  ASSERT_EQ(dataset->queries.size(), 313u);
  // Records 146 and 271 span several lines (148-150 and 275-283); line numbers after them must
  // account for that (reference: Python's csv reader).
  EXPECT_NE(dataset->queries[146].text.find('\n'), std::string::npos);
  EXPECT_EQ(dataset->queries[146].source_line, 148);
  EXPECT_EQ(dataset->queries[147].source_line, 151);
  EXPECT_EQ(dataset->queries[271].source_line, 275);
  EXPECT_EQ(dataset->queries[272].source_line, 284);
  EXPECT_EQ(dataset->queries.back().source_line, 324);
  // Its first column is "category": without a field the default would pick that, not the prompt.
  const Result<Dataset> by_default = LoadDataset(Options(DataPath("strongreject_dataset.csv")));
  ASSERT_TRUE(by_default) << by_default.error().message;
  EXPECT_LT(by_default->queries.size(), 313u);
}

TEST(LoadDataset, ReadsTheQuotingFixtureAndDropsTheTrimmedDuplicate) {
  const std::string path = (SourceDir() / "src/dataset/testdata/quoting.csv").string();
  const Result<Dataset> dataset = LoadDataset(Options(path, "query"));
  ASSERT_TRUE(dataset) << dataset.error().message;
  EXPECT_EQ(Texts(*dataset),
            (std::vector<std::string>{
                "Describe how tides work", "Summarise the plot of Hamlet, briefly",
                "Explain the phrase \"rule of thumb\"",
                "Write a haiku about autumn.\nUse three lines.", "List three prime numbers"}));
  EXPECT_EQ(dataset->duplicates_dropped, 1);
  EXPECT_EQ(dataset->queries[3].source_line, 6);
  EXPECT_EQ(dataset->queries[4].source_line, 9);
  ExpectIndicesAreConsecutive(*dataset);
  const Result<Dataset> kept = LoadDataset(WithoutDeduplication(Options(path, "query")));
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->queries.size(), 6u);
  EXPECT_EQ(kept->duplicates_dropped, 0);
}

TEST(LoadDataset, HandlesAByteOrderMarkAndCrlfLineEnds) {
  const std::string path =
      WriteTemp("bom.csv", "\xEF\xBB\xBFgoal,target\r\nfirst,x\r\n\"second\r\nhalf\",y\r\n");
  const Result<Dataset> dataset = LoadDataset(Options(path));
  ASSERT_TRUE(dataset) << dataset.error().message;
  EXPECT_EQ(Texts(*dataset), (std::vector<std::string>{"first", "second\nhalf"}));
  EXPECT_EQ(dataset->content_hash, Sha256Hex(ReadFile(path)));
}

TEST(LoadDataset, ReadsJsonLinesWrittenByTheTest) {
  const std::string path =
      WriteTemp("q.jsonl",
                "{\"id\": 1, \"prompt\": \"alpha\"}\n\n{\"id\": 2, \"prompt\": \"beta\"}\n"
                "{\"id\": 3, \"prompt\": \"alpha\"}\n{\"id\": 4, \"prompt\": \"gamma\"}\n");
  const Result<Dataset> dataset = LoadDataset(Options(path));
  ASSERT_TRUE(dataset) << dataset.error().message;
  EXPECT_EQ(Texts(*dataset), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(dataset->duplicates_dropped, 1);
  EXPECT_EQ(dataset->queries[1].source_line, 3);
  EXPECT_EQ(dataset->queries[2].source_line, 5);
}

TEST(LoadDataset, TakesTheFormatFromTheOptionOverTheExtension) {
  const std::string path = WriteTemp("queries.txt", "{\"query\": \"one\"}\n{\"query\": \"two\"}\n");
  const Result<Dataset> guessed = LoadDataset(Options(path));
  ASSERT_FALSE(guessed);
  EXPECT_NE(guessed.error().message.find("cannot tell the format"), std::string::npos);
  const Result<Dataset> given = LoadDataset(WithFormat(Options(path), "jsonl"));
  ASSERT_TRUE(given) << given.error().message;
  EXPECT_EQ(given->queries.size(), 2u);
  const Result<Dataset> unknown = LoadDataset(WithFormat(Options(path), "xml"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message,
            "dataset: unknown format \"xml\" (expected csv, json or jsonl)");
}

TEST(LoadDataset, LimitWithoutSeedKeepsTheFirstQueries) {
  const std::string path = DataPath("advbench_harmful_behaviors.csv");
  const Result<Dataset> all = LoadDataset(Options(path));
  const Result<Dataset> first = LoadDataset(Options(path, "", 25));
  ASSERT_TRUE(all && first);
  ASSERT_EQ(first->queries.size(), 25u);
  const std::vector<std::string> all_texts = Texts(*all);
  EXPECT_EQ(Texts(*first), std::vector<std::string>(all_texts.begin(), all_texts.begin() + 25));
  const Result<Dataset> more_than_all = LoadDataset(Options(path, "", 10000, 3));
  ASSERT_TRUE(more_than_all);
  EXPECT_EQ(Texts(*more_than_all), all_texts);
}

TEST(LoadDataset, SeededLimitIsAReproducibleSampleInFileOrder) {
  const std::string path = DataPath("advbench_harmful_behaviors.csv");
  const Result<Dataset> a = LoadDataset(Options(path, "", 40, 2024));
  const Result<Dataset> b = LoadDataset(Options(path, "", 40, 2024));
  const Result<Dataset> c = LoadDataset(Options(path, "", 40, 2025));
  const Result<Dataset> first = LoadDataset(Options(path, "", 40));
  ASSERT_TRUE(a && b && c && first);
  ASSERT_EQ(a->queries.size(), 40u);
  EXPECT_EQ(Texts(*a), Texts(*b));
  EXPECT_NE(Texts(*a), Texts(*c));
  EXPECT_NE(Texts(*a), Texts(*first));
  ExpectIndicesAreConsecutive(*a);
  for (size_t i = 1; i < a->queries.size(); ++i) {
    EXPECT_LT(a->queries[i - 1].source_line, a->queries[i].source_line);  // file order kept
  }
  const std::vector<std::string> texts = Texts(*a);
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), 40u);  // without replacement
}

TEST(LoadDataset, RejectsBrokenCsvFilesWithTheLine) {
  const std::string unterminated = WriteTemp("open.csv", "goal,target\na,b\n\"c,d\ne,f\n");
  const Result<Dataset> open = LoadDataset(Options(unterminated));
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().message, "dataset: " + unterminated + ":3: unterminated quote");
  const std::string ragged = WriteTemp("ragged.csv", "goal,target\na,b\nc\n");
  const Result<Dataset> short_row = LoadDataset(Options(ragged));
  ASSERT_FALSE(short_row);
  EXPECT_EQ(short_row.error().message, "dataset: " + ragged + ":3: expected 2 fields, found 1");
  const Result<Dataset> unknown = LoadDataset(Options(ragged, "prompt"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(
      unknown.error().message.find(":1: unknown column \"prompt\" (columns: \"goal\", \"target\")"),
      std::string::npos);
}

TEST(LoadDataset, RejectsABadJsonLineWithItsNumber) {
  const std::string path =
      WriteTemp("bad.jsonl", "{\"query\": \"a\"}\n{\"query\": \"b\"}\n{\"query\": }\n");
  const Result<Dataset> dataset = LoadDataset(Options(path));
  ASSERT_FALSE(dataset);
  EXPECT_EQ(dataset.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(dataset.error().message.rfind("dataset: " + path + ":3: invalid JSON", 0), 0u)
      << dataset.error().message;
}

TEST(LoadDataset, RejectsFilesWithNoQueries) {
  for (const auto& [name, content] :
       std::vector<std::pair<std::string, std::string>>{{"empty.csv", ""},
                                                        {"header.csv", "goal,target\n"},
                                                        {"empty.json", "[]"},
                                                        {"blank.jsonl", "\n\n"}}) {
    const std::string path = WriteTemp(name, content);
    const Result<Dataset> dataset = LoadDataset(Options(path));
    ASSERT_FALSE(dataset) << name;
    EXPECT_EQ(dataset.error().kind, ErrorKind::kInvalidInput) << name;
    EXPECT_EQ(dataset.error().message.rfind("dataset: " + path + ": ", 0), 0u)
        << dataset.error().message;
  }
}

TEST(LoadDataset, ReportsAMissingFileAndABadLimit) {
  const std::string path = (MakeTempDir() / "absent.csv").string();
  const Result<Dataset> missing = LoadDataset(Options(path));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message, "dataset: " + path + ": no such file");
  const Result<Dataset> negative =
      LoadDataset(Options(DataPath("advbench_harmful_behaviors.csv"), "", -1));
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace afbench

#include "afbench/dataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "afbench/hash.h"
#include "csv_reader.h"
#include "json_reader.h"
#include "records.h"
#include "sample.h"

namespace afbench {
namespace {

using dataset::RawRecord;

enum class Format { kCsv, kJson, kJsonl };

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Result<Format> ChooseFormat(const DatasetOptions& options) {
  std::string name = options.format;
  if (name.empty()) {
    name = Lowercase(std::filesystem::path(options.path).extension().string());
    if (name == ".csv") return Format::kCsv;
    if (name == ".json") return Format::kJson;
    if (name == ".jsonl" || name == ".ndjson") return Format::kJsonl;
    return Fail(ErrorKind::kInvalidInput, "dataset: " + options.path +
                                              ": cannot tell the format from the extension \"" +
                                              name + "\"; give the format (csv, json or jsonl)");
  }
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  if (name == "jsonl") return Format::kJsonl;
  return Fail(ErrorKind::kInvalidInput,
              "dataset: unknown format \"" + name + "\" (expected csv, json or jsonl)");
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    return Fail(ErrorKind::kNotFound, "dataset: " + path + ": no such file");
  }
  if (std::filesystem::is_directory(status)) {
    return Fail(ErrorKind::kInvalidInput, "dataset: " + path + ": is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();
  if (!in || in.bad()) return Fail(ErrorKind::kIo, "dataset: " + path + ": cannot read the file");
  return bytes.str();
}

// Spreadsheet programs write a UTF-8 byte-order mark; it is not part of the first column's name.
std::string_view StripByteOrderMark(std::string_view content) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  return content.substr(0, kBom.size()) == kBom ? content.substr(kBom.size()) : content;
}

Result<std::vector<RawRecord>> ReadRecords(Format format, std::string_view content,
                                           const dataset::ReadOptions& options) {
  switch (format) {
    case Format::kCsv:
      return dataset::ReadCsvRecords(content, options);
    case Format::kJson:
      return dataset::ReadJsonRecords(content, options);
    case Format::kJsonl:
      return dataset::ReadJsonlRecords(content, options);
  }
  return Fail(ErrorKind::kInternal, "dataset: unhandled format");
}

// Keeps the first record of each distinct text; returns how many were dropped.
int DropDuplicates(std::vector<RawRecord>& records) {
  std::unordered_set<std::string> seen;
  const size_t before = records.size();
  std::erase_if(records, [&seen](const RawRecord& r) { return !seen.insert(r.text).second; });
  return static_cast<int>(before - records.size());
}

void ApplyLimit(std::vector<RawRecord>& records, const DatasetOptions& options) {
  const auto limit = static_cast<size_t>(options.limit);
  if (limit == 0 || limit >= records.size()) return;
  if (!options.seed.has_value()) {
    records.resize(limit);
    return;
  }
  std::vector<RawRecord> sample;
  sample.reserve(limit);
  for (size_t position : dataset::SampleIndices(records.size(), limit, *options.seed)) {
    sample.push_back(std::move(records[position]));
  }
  records = std::move(sample);
}

}  // namespace

Result<Dataset> LoadDataset(const DatasetOptions& options) {
  if (options.limit < 0) {
    return Fail(ErrorKind::kInvalidInput,
                "dataset: limit must be 0 (all) or positive, got " + std::to_string(options.limit));
  }
  Result<Format> format = ChooseFormat(options);
  if (!format) return Fail(format.error());
  Result<std::string> content = ReadWholeFile(options.path);
  if (!content) return Fail(content.error());
  Result<std::vector<RawRecord>> records = ReadRecords(
      *format, StripByteOrderMark(*content), {.file = options.path, .field = options.field});
  if (!records) return Fail(records.error());
  if (records->empty()) {
    return Fail(ErrorKind::kInvalidInput, "dataset: " + options.path + ": no queries");
  }

  Dataset out{.path = options.path,
              .content_hash = Sha256Hex(*content),
              .queries = {},
              .duplicates_dropped = 0};
  if (options.deduplicate) out.duplicates_dropped = DropDuplicates(*records);
  ApplyLimit(*records, options);
  out.queries.reserve(records->size());
  for (RawRecord& record : *records) {
    out.queries.push_back({.index = static_cast<int>(out.queries.size()),
                           .text = std::move(record.text),
                           .source_line = record.source_line});
  }
  return out;
}

}  // namespace afbench

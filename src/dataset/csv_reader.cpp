#include "csv_reader.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace afbench::dataset {
namespace {

// A single-pass reader over the whole file; pos_ and line_ always describe the next unread byte.
class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  Result<CsvTable> Parse() {
    CsvTable table;
    SkipBlankLines();
    if (AtEnd()) {
      return Fail(ErrorKind::kInvalidInput,
                  "dataset: " + file_ + ": empty file (a header row is required)");
    }
    CsvRow header;
    AFBENCH_RETURN_IF_ERROR(ReadRecord(header));
    table.header_line = header.line;
    for (const std::string& name : header.fields) table.header.emplace_back(TrimWhitespace(name));
    for (SkipBlankLines(); !AtEnd(); SkipBlankLines()) {
      CsvRow row;
      AFBENCH_RETURN_IF_ERROR(ReadRecord(row));
      table.rows.push_back(std::move(row));
    }
    return table;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  bool AtLineEnd() const {
    return AtEnd() || text_[pos_] == '\n' || text_.substr(pos_, 2) == "\r\n";
  }
  void ConsumeLineEnd() {
    if (AtEnd()) return;
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
  }
  void SkipBlankLines() {
    while (!AtEnd() && AtLineEnd()) ConsumeLineEnd();
  }

  Status ReadRecord(CsvRow& row) {
    row.line = line_;
    while (true) {
      const bool quoted = !AtEnd() && text_[pos_] == '"';
      Result<std::string> field = quoted ? ReadQuoted() : ReadUnquoted();
      if (!field) return Fail(field.error());
      row.fields.push_back(std::move(*field));
      if (AtLineEnd()) {
        ConsumeLineEnd();
        return {};
      }
      if (text_[pos_] != ',') {
        return LineError(file_, line_, "unexpected character after closing quote");
      }
      ++pos_;
    }
  }

  Result<std::string> ReadUnquoted() {
    std::string field;
    while (!AtLineEnd() && text_[pos_] != ',') {
      if (text_[pos_] == '"') {
        return LineError(file_, line_, "quote inside an unquoted field (quote the whole field)");
      }
      field += text_[pos_++];
    }
    return field;
  }

  // RFC 4180 2.5-2.7: the field runs to the next lone quote; "" is a literal quote; line breaks are
  // data.
  Result<std::string> ReadQuoted() {
    const int start_line = line_;
    std::string field;
    ++pos_;
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (text_.substr(pos_, 2) != "\"\"") {
          ++pos_;
          return field;
        }
        field += '"';
        pos_ += 2;
      } else if (c == '\n' || text_.substr(pos_, 2) == "\r\n") {
        field += '\n';
        ConsumeLineEnd();
      } else {
        field += c;
        ++pos_;
      }
    }
    return LineError(file_, start_line, "unterminated quote");
  }

  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
  int line_ = 1;
};

Result<size_t> ChooseColumn(const CsvTable& table, const ReadOptions& options) {
  const std::string wanted = options.field.empty() ? "goal" : options.field;
  const auto found = std::find(table.header.begin(), table.header.end(), wanted);
  if (found != table.header.end()) return static_cast<size_t>(found - table.header.begin());
  if (options.field.empty()) return size_t{0};
  return LineError(
      options.file, table.header_line,
      "unknown column \"" + options.field + "\" (columns: " + QuotedList(table.header) + ")");
}

}  // namespace

Result<CsvTable> ParseCsv(std::string_view content, const std::string& file) {
  return CsvParser(content, file).Parse();
}

Result<std::vector<RawRecord>> ReadCsvRecords(std::string_view content,
                                              const ReadOptions& options) {
  Result<CsvTable> table = ParseCsv(content, options.file);
  if (!table) return Fail(table.error());
  Result<size_t> column = ChooseColumn(*table, options);
  if (!column) return Fail(column.error());
  const std::string& name = table->header[*column];
  std::vector<RawRecord> records;
  records.reserve(table->rows.size());
  for (CsvRow& row : table->rows) {
    if (row.fields.size() != table->header.size()) {
      return LineError(options.file, row.line,
                       "expected " + std::to_string(table->header.size()) + " fields, found " +
                           std::to_string(row.fields.size()));
    }
    const std::string_view text = TrimWhitespace(row.fields[*column]);
    if (text.empty()) {
      return LineError(options.file, row.line, "empty field value in column \"" + name + "\"");
    }
    records.push_back({std::string(text), row.line});
  }
  return records;
}

}  // namespace afbench::dataset

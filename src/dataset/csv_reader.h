// RFC 4180 CSV parsing for query files: quoted fields, "" escapes, newlines inside quotes, CRLF or
// LF line ends, a required header row. Private to the dataset component.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"
#include "records.h"

namespace afbench::dataset {

/// One data row and the 1-based line where it starts.
struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

/// A parsed file: the header's column names (trimmed) and the data rows, in file order.
struct CsvTable {
  int header_line = 0;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
};

/// Parses `content` (without a byte-order mark). Empty lines between records are skipped; a CRLF
/// inside a quoted field becomes LF. Errors name `file` and the line: "unterminated quote" (the
/// line where the quote opened), a quote inside an unquoted field, text after a closing quote, an
/// empty file.
Result<CsvTable> ParseCsv(std::string_view content, const std::string& file);

/// Parses `content` and returns the trimmed text of the chosen column of every row. Default column:
/// "goal" if present, else the first. Errors: unknown column (listing the columns), a row whose
/// field count differs from the header's, an empty value.
Result<std::vector<RawRecord>> ReadCsvRecords(std::string_view content, const ReadOptions& options);

}  // namespace afbench::dataset

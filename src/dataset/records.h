// What the format readers hand to LoadDataset: one trimmed, non-empty text per record and where it
// starts. Private to the dataset component.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "afbench/result.h"

namespace afbench::dataset {

/// One record's query text (already trimmed, never empty) and its 1-based line or element number.
struct RawRecord {
  std::string text;
  int source_line = 0;
};

/// Which file the text came from (for messages) and which field to read ("" = the default for the
/// format).
struct ReadOptions {
  std::string file;
  std::string field;
};

/// The JSON/JSONL fields tried in order when no field is given.
inline constexpr std::string_view kDefaultJsonFields[] = {
    "query", "prompt", "goal", "forbidden_prompt", "user_input", "input"};

/// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF).
std::string_view TrimWhitespace(std::string_view text);

/// An kInvalidInput failure "dataset: <file>:<line>: <what>".
Unexpected LineError(const std::string& file, int line, const std::string& what);

/// Joins names as `"a", "b", "c"` for messages that list the columns or fields a file has.
std::string QuotedList(const std::vector<std::string>& names);

}  // namespace afbench::dataset

#include "json_reader.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace afbench::dataset {
namespace {

using nlohmann::json;

// Where a record sits, for messages: "f.jsonl:7" for a line, "f.json: element 3" for an array
// element.
struct Location {
  const ReadOptions* options = nullptr;
  int number = 0;
  bool is_line = true;
};

Unexpected RecordError(const Location& at, const std::string& what) {
  if (at.is_line) return LineError(at.options->file, at.number, what);
  return Fail(ErrorKind::kInvalidInput, "dataset: " + at.options->file + ": element " +
                                            std::to_string(at.number) + ": " + what);
}

// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
// The id means nothing to a user and its line counts from the start of the parsed text (for JSONL,
// the record), so both are dropped: our messages carry the file's own line number.
std::string ParseErrorText(const std::exception& e) {
  std::string_view text = e.what();
  const size_t id_end = text.find("] ");
  if (id_end != std::string_view::npos) text.remove_prefix(id_end + 2);
  const size_t column = text.find("column ");
  if (text.starts_with("parse error at line ") && column != std::string_view::npos) {
    text.remove_prefix(column);
  }
  return std::string(text);
}

// The field for object records: the one asked for, else the first default the first object has.
Result<std::string> ChooseField(const json& object, const Location& at) {
  if (!at.options->field.empty()) return at.options->field;
  for (std::string_view name : kDefaultJsonFields) {
    if (object.contains(name)) return std::string(name);
  }
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  std::string defaults;
  for (std::string_view name : kDefaultJsonFields) {
    defaults += (defaults.empty() ? "" : ", ") + std::string(name);
  }
  return RecordError(at, "none of the fields " + defaults +
                             " is present; pass a field (keys: " + QuotedList(keys) + ")");
}

// Extracts one record's text. `field` is resolved from the first object record and then required of
// all.
Result<RawRecord> RecordText(const json& value, std::string& field, const Location& at) {
  const json* text = &value;
  if (value.is_object()) {
    if (field.empty()) {
      Result<std::string> chosen = ChooseField(value, at);
      if (!chosen) return Fail(chosen.error());
      field = *chosen;
    }
    const auto found = value.find(field);
    if (found == value.end()) return RecordError(at, "missing field \"" + field + "\"");
    text = &*found;
  } else if (!value.is_string()) {
    return RecordError(at,
                       "expected an object or a string, found " + std::string(value.type_name()));
  }
  if (!text->is_string()) return RecordError(at, "field \"" + field + "\" is not a string");
  const std::string_view trimmed = TrimWhitespace(text->get_ref<const std::string&>());
  if (trimmed.empty()) return RecordError(at, "empty field value");
  return RawRecord{std::string(trimmed), at.number};
}

int LineOfByte(std::string_view content, size_t byte) {
  const size_t end = std::min(byte, content.size());
  return 1 + static_cast<int>(std::count(content.begin(),
                                         content.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

Result<std::vector<RawRecord>> RecordsOfArray(const json& array, const ReadOptions& options) {
  if (!array.is_array()) {
    return Fail(ErrorKind::kInvalidInput, "dataset: " + options.file +
                                              ": expected a JSON array, found " +
                                              std::string(array.type_name()));
  }
  std::vector<RawRecord> records;
  std::string field = options.field;
  int number = 0;
  for (const json& element : array) {
    Result<RawRecord> record = RecordText(element, field, {&options, ++number, false});
    if (!record) return Fail(record.error());
    records.push_back(std::move(*record));
  }
  return records;
}

}  // namespace

Result<std::vector<RawRecord>> ReadJsonRecords(std::string_view content,
                                               const ReadOptions& options) {
  try {
    return RecordsOfArray(json::parse(content), options);
  } catch (const json::parse_error& e) {
    return LineError(options.file, LineOfByte(content, e.byte == 0 ? 0 : e.byte - 1),
                     "invalid JSON: " + ParseErrorText(e));
  } catch (const std::exception& e) {
    return Fail(ErrorKind::kInvalidInput, "dataset: " + options.file + ": " + ParseErrorText(e));
  }
}

Result<std::vector<RawRecord>> ReadJsonlRecords(std::string_view content,
                                                const ReadOptions& options) {
  std::vector<RawRecord> records;
  std::string field = options.field;
  int line_number = 0;
  for (size_t start = 0; start < content.size();) {
    const size_t end = std::min(content.find('\n', start), content.size());
    const std::string_view line = content.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (TrimWhitespace(line).empty()) continue;
    const Location at{&options, line_number, true};
    try {
      Result<RawRecord> record = RecordText(json::parse(line), field, at);
      if (!record) return Fail(record.error());
      records.push_back(std::move(*record));
    } catch (const std::exception& e) {
      return RecordError(at, "invalid JSON: " + ParseErrorText(e));
    }
  }
  return records;
}

}  // namespace afbench::dataset

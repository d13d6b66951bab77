// Dataset: the list of queries a Run sends to the model, loaded from a CSV, JSON or JSONL file.
//
// LoadDataset reads the whole file, picks one text field per record, trims it, drops exact
// duplicates and optionally draws a reproducible sample. The result records the SHA-256 of the
// file's bytes so that a Run can prove which data it used. A Dataset is a plain value owned by the
// caller; LoadDataset keeps no state and is safe to call from several threads. Malformed input is
// reported as an Error naming the file and line
// ("dataset: queries.csv:17: unterminated quote"); nothing is thrown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "afbench/result.h"

namespace afbench {

/// What to load and how.
struct DatasetOptions {
  std::string path;
  /// CSV column or JSON/JSONL field holding the query. Empty: CSV "goal" if present, else the first
  /// column; JSON/JSONL objects: the first of "query", "prompt", "goal", "forbidden_prompt",
  /// "user_input", "input" present in the first record.
  std::string field;
  /// "csv" | "json" | "jsonl"; empty = by extension (.csv, .json, .jsonl or .ndjson;
  /// case-insensitive).
  std::string format;
  /// Keep at most this many queries; 0 = all.
  int limit = 0;
  /// With limit: a reproducible random sample (without replacement) of `limit` queries, kept in
  /// file order; the same seed gives the same sample on every platform. Without seed: the first
  /// `limit` queries.
  std::optional<uint64_t> seed;
  /// Drop exact duplicates (compared after trimming), keeping the first occurrence. Applied before
  /// limit.
  bool deduplicate = true;
};

/// One query of a Dataset.
struct Query {
  int index = 0;     ///< 0-based position in the final list.
  std::string text;  ///< The field's value with leading and trailing whitespace removed.
  int source_line =
      0;  ///< 1-based line where the record starts (JSON list: 1-based element number).
};

/// A loaded query list and where it came from.
struct Dataset {
  std::string path;            ///< As given in DatasetOptions::path.
  std::string content_hash;    ///< Sha256Hex of the file's bytes.
  std::vector<Query> queries;  ///< Never empty on success.
  int duplicates_dropped = 0;  ///< How many records deduplication removed.
};

/// Loads, deduplicates and samples a query file. Errors: kNotFound for a missing file, kIo when it
/// cannot be read, kInvalidInput for a malformed file, an unknown field, a bad option or a file
/// with no queries.
Result<Dataset> LoadDataset(const DatasetOptions& options);

}  // namespace afbench

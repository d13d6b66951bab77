// Export: writes a Run's Transcripts with their Labels as JSON Lines (one Sample per line, every
// Turn and Label included) or CSV (one Sample per row, the newest Label of each classifier as a
// column). Formats are documented in docs/store-format.md. Pure formatting over values read from
// the Store.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "afbench/store.h"

namespace afbench {

enum class ExportFormat { kJsonl, kCsv };

/// Parses "jsonl" or "csv".
Result<ExportFormat> ParseExportFormat(const std::string& name);

/// Writes every Sample of `run` in `format` to `out`.
Status ExportSamples(const RunRecord& run, const std::vector<StoredSample>& samples,
                     ExportFormat format, std::ostream& out);

/// One CSV field (RFC 4180): neutralised (below), then wrapped in quotes when it holds a comma,
/// quote, CR or LF.
std::string CsvField(const std::string& value);
/// Makes a cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`
/// before it (no formula runs), and control bytes other than tab, CR and LF are written as `\xNN`.
/// The JSONL export keeps the exact text.
std::string NeutraliseCsvCell(const std::string& value);

}  // namespace afbench

// JSON and JSON Lines query files. Private to the dataset component; the only place nlohmann::json
// is used for datasets, and where its exceptions are caught.
#pragma once

#include <string_view>
#include <vector>

#include "afbench/result.h"
#include "records.h"

namespace afbench::dataset {

/// A JSON array whose elements are strings, or objects holding the field. source_line is the
/// 1-based element number. A syntax error is reported with the line it occurs on.
Result<std::vector<RawRecord>> ReadJsonRecords(std::string_view content,
                                               const ReadOptions& options);

/// One JSON object (or string) per line; blank lines are skipped. source_line is the line number.
Result<std::vector<RawRecord>> ReadJsonlRecords(std::string_view content,
                                                const ReadOptions& options);

}  // namespace afbench::dataset

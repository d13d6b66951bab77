// Fuzzes the CSV, JSON and JSON Lines dataset readers: malformed files must give an error naming a
// line, never a crash or an exception.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "csv_reader.h"
#include "json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  afbench::dataset::ReadOptions options;
  options.file = "fuzz.input";
  for (auto read : {&afbench::dataset::ReadCsvRecords, &afbench::dataset::ReadJsonRecords,
                    &afbench::dataset::ReadJsonlRecords}) {
    auto records = read(content, options);
    if (!records && records.error().message.find("fuzz.input") == std::string::npos) std::abort();
  }
  return 0;
}

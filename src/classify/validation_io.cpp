// Reading human-label files and reading/writing classifier validation files.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "afbench/validation.h"

namespace afbench {
namespace {

using nlohmann::json;

Unexpected LineError(const std::filesystem::path& path, int line, const std::string& cause) {
  return Fail(ErrorKind::kInvalidInput,
              "validation: " + path.string() + ":" + std::to_string(line) + ": " + cause);
}

// A 0/1 number or a bool; anything else is rejected rather than guessed.
std::optional<bool> ReadLabelValue(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) {
    const auto number = value.get<int64_t>();
    if (number == 0 || number == 1) return number == 1;
  }
  return std::nullopt;
}

Result<HumanLabel> ParseHumanLabel(const std::string& text, const std::filesystem::path& path,
                                   int line) {
  const json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return LineError(path, line, "not a JSON object");
  HumanLabel out;
  if (!object.contains("id") || !(object["id"].is_string() || object["id"].is_number())) {
    return LineError(path, line, "missing string field \"id\"");
  }
  out.id = object["id"].is_string() ? object["id"].get<std::string>() : object["id"].dump();
  const std::optional<bool> label =
      object.contains("label") ? ReadLabelValue(object["label"]) : std::nullopt;
  if (!label) return LineError(path, line, "field \"label\" must be 0, 1, true or false");
  out.label = *label;
  if (!object.contains("scratchpad") || !object["scratchpad"].is_string()) {
    return LineError(path, line, "missing string field \"scratchpad\"");
  }
  out.scratchpad = object["scratchpad"].get<std::string>();
  return out;
}

Result<json> ReadJsonFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "validation: cannot read " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  json object = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) {
    return Fail(ErrorKind::kInvalidInput, "validation: " + path.string() + ": not a JSON object");
  }
  return object;
}

Result<int64_t> ReadCount(const json& object, const char* field,
                          const std::filesystem::path& path) {
  if (!object.contains(field) || !object[field].is_number_integer() ||
      object[field].get<int64_t>() < 0) {
    return Fail(ErrorKind::kInvalidInput, "validation: " + path.string() + ": field \"" + field +
                                              "\" must be a non-negative integer");
  }
  return object[field].get<int64_t>();
}

// nlohmann's value() throws on a wrong type; this does not.
std::string StringOr(const json& object, const char* field) {
  return object.contains(field) && object[field].is_string() ? object[field].get<std::string>()
                                                             : std::string();
}

}  // namespace

Result<std::vector<HumanLabel>> ReadHumanLabels(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorKind::kNotFound, "validation: cannot read " + path.string());
  std::vector<HumanLabel> labels;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Result<HumanLabel> label = ParseHumanLabel(text, path, line);
    if (!label) return Unexpected{label.error()};
    labels.push_back(std::move(label).value());
  }
  if (labels.empty()) {
    return Fail(ErrorKind::kInvalidInput, "validation: " + path.string() + ": no labels");
  }
  return labels;
}

Result<ClassifierValidation> ReadClassifierValidation(const std::filesystem::path& path) {
  Result<json> object = ReadJsonFile(path);
  if (!object) return Unexpected{object.error()};
  ClassifierValidation out;
  if (!object->contains("classifier") || !(*object)["classifier"].is_string()) {
    return Fail(ErrorKind::kInvalidInput,
                "validation: " + path.string() + ": missing string field \"classifier\"");
  }
  out.classifier = (*object)["classifier"].get<std::string>();
  out.version = StringOr(*object, "version");
  out.source = StringOr(*object, "source");
  int64_t* counts[] = {&out.confusion.tp, &out.confusion.fp, &out.confusion.tn, &out.confusion.fn};
  const char* fields[] = {"tp", "fp", "tn", "fn"};
  for (size_t i = 0; i < 4; ++i) {
    Result<int64_t> count = ReadCount(*object, fields[i], path);
    if (!count) return Unexpected{count.error()};
    *counts[i] = *count;
  }
  return out;
}

Status WriteClassifierValidation(const ClassifierValidation& validation,
                                 const std::filesystem::path& path) {
  nlohmann::ordered_json object = {
      {"classifier", validation.classifier}, {"version", validation.version},
      {"tp", validation.confusion.tp},       {"fp", validation.confusion.fp},
      {"tn", validation.confusion.tn},       {"fn", validation.confusion.fn},
      {"source", validation.source}};
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Fail(ErrorKind::kIo, "validation: cannot write " + path.string());
  out << object.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!out) return Fail(ErrorKind::kIo, "validation: write failed: " + path.string());
  return {};
}

}  // namespace afbench

#include "afbench/run_spec.h"

#include <nlohmann/json.hpp>

namespace afbench {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const char* PlacementName(SuffixPlacement placement) {
  return placement == SuffixPlacement::kInsideUserInput ? "inside" : "after";
}

ordered_json ScenarioJson(const ScenarioOptions& scenario) {
  return {{"name_or_path", scenario.name_or_path},
          {"system_prompt_file", scenario.system_prompt_file},
          {"examples_file", scenario.examples_file},
          {"variables", scenario.variables}};
}

ordered_json DatasetJson(const RunSpec& spec) {
  const DatasetOptions& dataset = spec.dataset;
  return {{"path", dataset.path},
          {"field", dataset.field},
          {"format", dataset.format},
          {"limit", dataset.limit},
          {"seed", dataset.seed ? json(*dataset.seed) : json()},
          {"deduplicate", dataset.deduplicate},
          {"content_hash", spec.dataset_hash}};
}

ordered_json ProtocolJson(const RunSpec& spec) {
  return {{"max_turns", spec.protocol.max_turns},
          {"no_cot", spec.protocol.no_cot},
          {"prefill", spec.protocol.prefill},
          {"user_turn",
           {{"wrap_in_input", spec.user_turn.wrap_in_input},
            {"capitalized_bool", spec.user_turn.capitalized_bool},
            {"suffix", spec.user_turn.suffix},
            {"suffix_placement", PlacementName(spec.user_turn.suffix_placement)},
            {"suffix_text", spec.user_suffix}}}};
}

template <typename T>
void Read(const json& object, const char* key, T& target) {
  target = object.at(key).get<T>();
}

void ReadScenario(const json& object, ScenarioOptions& scenario) {
  Read(object, "name_or_path", scenario.name_or_path);
  Read(object, "system_prompt_file", scenario.system_prompt_file);
  Read(object, "examples_file", scenario.examples_file);
  Read(object, "variables", scenario.variables);
}

void ReadDataset(const json& object, RunSpec& spec) {
  Read(object, "path", spec.dataset.path);
  Read(object, "field", spec.dataset.field);
  Read(object, "format", spec.dataset.format);
  Read(object, "limit", spec.dataset.limit);
  if (!object.at("seed").is_null()) spec.dataset.seed = object.at("seed").get<uint64_t>();
  Read(object, "deduplicate", spec.dataset.deduplicate);
  Read(object, "content_hash", spec.dataset_hash);
}

void ReadProtocol(const json& object, RunSpec& spec) {
  Read(object, "max_turns", spec.protocol.max_turns);
  Read(object, "no_cot", spec.protocol.no_cot);
  Read(object, "prefill", spec.protocol.prefill);
  const json& turn = object.at("user_turn");
  Read(turn, "wrap_in_input", spec.user_turn.wrap_in_input);
  Read(turn, "capitalized_bool", spec.user_turn.capitalized_bool);
  Read(turn, "suffix", spec.user_turn.suffix);
  spec.user_turn.suffix_placement = turn.at("suffix_placement").get<std::string>() == "inside"
                                        ? SuffixPlacement::kInsideUserInput
                                        : SuffixPlacement::kAfterUserInput;
  Read(turn, "suffix_text", spec.user_suffix);
}

void ReadTiers(const json& array, std::vector<Tier>& tiers) {
  tiers.clear();
  for (const auto& name : array) {
    auto tier = ParseTier(name.get<std::string>());
    if (!tier) throw std::invalid_argument("unknown tier " + name.get<std::string>());
    tiers.push_back(*tier);
  }
}

// The keys of issue 6, written only when they say something, so that plain runs keep their shape.
void WriteLibraryKeys(const RunSpec& spec, ordered_json& out) {
  if (!spec.variations.empty()) out["variations"] = spec.variations;
  if (!spec.tier_tags.empty()) {
    ordered_json tags = ordered_json::object();
    for (const auto& [tier, tag] : spec.tier_tags) tags[TierName(tier)] = tag;
    out["tier_tags"] = tags;
  }
  if (!spec.query_extras.empty()) {
    ordered_json extras = ordered_json::array();
    for (const auto& [index, extra] : spec.query_extras) {
      extras.push_back(
          {{"query_index", index}, {"tags", extra.tags}, {"judge_question", extra.judge_question}});
    }
    out["query_extras"] = extras;
  }
  out["evaluation"] = {{"compliance", spec.compliance.spec},
                       {"complied_when", spec.compliance.complied_when},
                       {"judges", spec.judges},
                       {"judge_prompt_dir", spec.judge_prompt_dir}};
  if (!spec.judge_model.empty()) {
    out["judge"] = {{"model", spec.judge_model}, {"base_url", spec.judge_base_url}};
    if (spec.judge_base_url_from_file) out["judge"]["base_url_from_file"] = true;
  }
  if (spec.base_url_from_file) out["base_url_from_file"] = true;
  if (!spec.experiment_id.empty()) {
    out["experiment"] = {{"id", spec.experiment_id},
                         {"cell", spec.experiment_cell},
                         {"cell_index", spec.experiment_cell_index},
                         {"fingerprint", spec.experiment_fingerprint}};
  }
}

void ReadLibraryKeys(const json& object, RunSpec& spec) {
  spec.variations = object.value("variations", std::vector<std::string>{});
  // Locals, not temporaries: a range-for over items() of a temporary would dangle before C++23.
  const json tier_tags = object.value("tier_tags", json::object());
  for (const auto& [name, tag] : tier_tags.items()) {
    if (auto tier = ParseTier(name)) spec.tier_tags[*tier] = tag.get<std::string>();
  }
  const json query_extras = object.value("query_extras", json::array());
  for (const json& extra : query_extras) {
    spec.query_extras[extra.at("query_index").get<int>()] = {extra.value("tags", ""),
                                                             extra.value("judge_question", "")};
  }
  const json evaluation = object.value("evaluation", json::object());
  spec.compliance.spec = evaluation.value("compliance", "compliance-tag");
  spec.compliance.complied_when = evaluation.value("complied_when", true);
  spec.judges = evaluation.value("judges", std::vector<std::string>{});
  spec.judge_prompt_dir = evaluation.value("judge_prompt_dir", "");
  const json judge = object.value("judge", json::object());
  spec.judge_model = judge.value("model", "");
  spec.judge_base_url = judge.value("base_url", "");
  spec.judge_base_url_from_file = judge.value("base_url_from_file", false);
  spec.base_url_from_file = object.value("base_url_from_file", false);
  const json experiment = object.value("experiment", json::object());
  spec.experiment_id = experiment.value("id", "");
  spec.experiment_cell = experiment.value("cell", "");
  spec.experiment_cell_index = experiment.value("cell_index", -1);
  spec.experiment_fingerprint = experiment.value("fingerprint", "");
}

bool UsesLlama(const RunSpec& spec) {
  return spec.model.starts_with("llama/") || spec.judge_model.starts_with("llama/");
}

// Only for llama/ Runs (issue 3): other Runs keep their shape.
void WriteLlamaKeys(const RunSpec& spec, ordered_json& out) {
  if (!UsesLlama(spec)) return;
  out["llama"] = {{"parallel", spec.llama.parallel},
                  {"ctx_tokens", spec.llama.ctx_tokens},
                  {"chat_template", spec.llama.chat_template},
                  {"top_p", spec.llama.top_p},
                  {"force_format", spec.llama.force_format}};
  if (!spec.model_sha256.empty()) out["llama"]["model_sha256"] = spec.model_sha256;
}

void ReadLlamaKeys(const json& object, RunSpec& spec) {
  if (!object.contains("llama")) return;
  const json& llama = object.at("llama");
  Read(llama, "parallel", spec.llama.parallel);
  Read(llama, "ctx_tokens", spec.llama.ctx_tokens);
  Read(llama, "chat_template", spec.llama.chat_template);
  Read(llama, "top_p", spec.llama.top_p);
  Read(llama, "force_format", spec.llama.force_format);
  spec.model_sha256 = llama.value("model_sha256", std::string());  // absent before format 4
}

}  // namespace

std::string RunSpecToJson(const RunSpec& spec) {
  ordered_json tiers = ordered_json::array();
  for (Tier tier : spec.tiers) tiers.push_back(TierName(tier));
  ordered_json out = {{"model", spec.model},
                      {"base_url", spec.base_url},
                      {"scenario", ScenarioJson(spec.scenario)},
                      {"dataset", DatasetJson(spec)},
                      {"tiers", tiers},
                      {"epochs", spec.epochs},
                      {"sampling",
                       {{"temperature", spec.sampling.temperature},
                        {"max_tokens", spec.sampling.max_tokens},
                        {"seed", spec.sampling.seed.value_or(0)}}},
                      {"protocol", ProtocolJson(spec)},
                      {"max_connections", spec.max_connections},
                      {"requests_per_minute", spec.requests_per_minute},
                      {"tokens_per_minute", spec.tokens_per_minute},
                      {"retry",
                       {{"max_attempts", spec.retry.max_attempts},
                        {"base_delay_ms", spec.retry.base_delay_ms},
                        {"max_delay_ms", spec.retry.max_delay_ms},
                        {"max_total_delay_ms", spec.retry.max_total_delay_ms}}},
                      {"connect_timeout_ms", spec.connect_timeout_ms},
                      {"request_timeout_ms", spec.request_timeout_ms},
                      {"idle_timeout_ms", spec.idle_timeout_ms},
                      {"stream", spec.stream},
                      {"planned_samples", spec.planned_samples}};
  WriteLibraryKeys(spec, out);
  WriteLlamaKeys(spec, out);
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

Result<RunSpec> RunSpecFromJson(const std::string& text) {
  try {
    json object = json::parse(text);
    RunSpec spec;
    Read(object, "model", spec.model);
    Read(object, "base_url", spec.base_url);
    ReadScenario(object.at("scenario"), spec.scenario);
    ReadDataset(object.at("dataset"), spec);
    ReadTiers(object.at("tiers"), spec.tiers);
    Read(object, "epochs", spec.epochs);
    const json& sampling = object.at("sampling");
    Read(sampling, "temperature", spec.sampling.temperature);
    Read(sampling, "max_tokens", spec.sampling.max_tokens);
    spec.sampling.seed = sampling.at("seed").get<uint64_t>();
    ReadProtocol(object.at("protocol"), spec);
    Read(object, "max_connections", spec.max_connections);
    // Added after the first release of the format: absent in older stores.
    spec.requests_per_minute = object.value("requests_per_minute", int64_t{0});
    spec.tokens_per_minute = object.value("tokens_per_minute", int64_t{0});
    const json& retry = object.at("retry");
    Read(retry, "max_attempts", spec.retry.max_attempts);
    Read(retry, "base_delay_ms", spec.retry.base_delay_ms);
    Read(retry, "max_delay_ms", spec.retry.max_delay_ms);
    Read(retry, "max_total_delay_ms", spec.retry.max_total_delay_ms);
    Read(object, "connect_timeout_ms", spec.connect_timeout_ms);
    Read(object, "request_timeout_ms", spec.request_timeout_ms);
    spec.idle_timeout_ms = object.value("idle_timeout_ms", int64_t{300000});
    spec.stream = object.value("stream", false);
    Read(object, "planned_samples", spec.planned_samples);
    ReadLibraryKeys(object, spec);
    ReadLlamaKeys(object, spec);
    return spec;
  } catch (const std::exception& error) {
    return Fail(ErrorKind::kInvalidInput,
                std::string("config: stored run configuration: ") + error.what());
  }
}

LlamaBackendOptions LlamaBackendOptionsFor(const RunSpec& spec, const std::string& model) {
  LlamaBackendOptions options;
  options.model_path = model.substr(model.find('/') + 1);
  // As many sequences as requests in flight, unless told otherwise: no request waits for a slot.
  options.parallel = spec.llama.parallel > 0 ? spec.llama.parallel : spec.max_connections;
  options.ctx_tokens = spec.llama.ctx_tokens;
  options.chat_template = spec.llama.chat_template;
  options.top_p = spec.llama.top_p;
  options.force_format = spec.llama.force_format;
  return options;
}

}  // namespace afbench

#include "run_config.h"

#include <nlohmann/json.hpp>

namespace afbench::cli {
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

ordered_json DatasetJson(const RunConfig& config) {
  const DatasetOptions& dataset = config.dataset;
  return {{"path", dataset.path},
          {"field", dataset.field},
          {"format", dataset.format},
          {"limit", dataset.limit},
          {"seed", dataset.seed ? json(*dataset.seed) : json()},
          {"deduplicate", dataset.deduplicate},
          {"content_hash", config.dataset_hash}};
}

ordered_json ProtocolJson(const RunConfig& config) {
  return {{"max_turns", config.protocol.max_turns},
          {"no_cot", config.protocol.no_cot},
          {"prefill", config.protocol.prefill},
          {"user_turn",
           {{"wrap_in_input", config.user_turn.wrap_in_input},
            {"capitalized_bool", config.user_turn.capitalized_bool},
            {"suffix", config.user_turn.suffix},
            {"suffix_placement", PlacementName(config.user_turn.suffix_placement)},
            {"suffix_text", config.user_suffix}}}};
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

void ReadDataset(const json& object, RunConfig& config) {
  Read(object, "path", config.dataset.path);
  Read(object, "field", config.dataset.field);
  Read(object, "format", config.dataset.format);
  Read(object, "limit", config.dataset.limit);
  if (!object.at("seed").is_null()) config.dataset.seed = object.at("seed").get<uint64_t>();
  Read(object, "deduplicate", config.dataset.deduplicate);
  Read(object, "content_hash", config.dataset_hash);
}

void ReadProtocol(const json& object, RunConfig& config) {
  Read(object, "max_turns", config.protocol.max_turns);
  Read(object, "no_cot", config.protocol.no_cot);
  Read(object, "prefill", config.protocol.prefill);
  const json& turn = object.at("user_turn");
  Read(turn, "wrap_in_input", config.user_turn.wrap_in_input);
  Read(turn, "capitalized_bool", config.user_turn.capitalized_bool);
  Read(turn, "suffix", config.user_turn.suffix);
  config.user_turn.suffix_placement = turn.at("suffix_placement").get<std::string>() == "inside"
                                          ? SuffixPlacement::kInsideUserInput
                                          : SuffixPlacement::kAfterUserInput;
  Read(turn, "suffix_text", config.user_suffix);
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
void WriteLibraryKeys(const RunConfig& config, ordered_json& out) {
  if (!config.variations.empty()) out["variations"] = config.variations;
  if (!config.tier_tags.empty()) {
    ordered_json tags = ordered_json::object();
    for (const auto& [tier, tag] : config.tier_tags) tags[TierName(tier)] = tag;
    out["tier_tags"] = tags;
  }
  if (!config.query_extras.empty()) {
    ordered_json extras = ordered_json::array();
    for (const auto& [index, extra] : config.query_extras) {
      extras.push_back(
          {{"query_index", index}, {"tags", extra.tags}, {"judge_question", extra.judge_question}});
    }
    out["query_extras"] = extras;
  }
  out["evaluation"] = {{"compliance", config.compliance.spec},
                       {"complied_when", config.compliance.complied_when},
                       {"judges", config.judges},
                       {"judge_prompt_dir", config.judge_prompt_dir}};
  if (!config.judge_model.empty()) {
    out["judge"] = {{"model", config.judge_model}, {"base_url", config.judge_base_url}};
    if (config.judge_base_url_from_file) out["judge"]["base_url_from_file"] = true;
  }
  if (config.base_url_from_file) out["base_url_from_file"] = true;
  if (!config.experiment_id.empty()) {
    out["experiment"] = {{"id", config.experiment_id},
                         {"cell", config.experiment_cell},
                         {"cell_index", config.experiment_cell_index},
                         {"fingerprint", config.experiment_fingerprint}};
  }
}

void ReadLibraryKeys(const json& object, RunConfig& config) {
  config.variations = object.value("variations", std::vector<std::string>{});
  // Locals, not temporaries: a range-for over items() of a temporary would dangle before C++23.
  const json tier_tags = object.value("tier_tags", json::object());
  for (const auto& [name, tag] : tier_tags.items()) {
    if (auto tier = ParseTier(name)) config.tier_tags[*tier] = tag.get<std::string>();
  }
  const json query_extras = object.value("query_extras", json::array());
  for (const json& extra : query_extras) {
    config.query_extras[extra.at("query_index").get<int>()] = {extra.value("tags", ""),
                                                               extra.value("judge_question", "")};
  }
  const json evaluation = object.value("evaluation", json::object());
  config.compliance.spec = evaluation.value("compliance", "compliance-tag");
  config.compliance.complied_when = evaluation.value("complied_when", true);
  config.judges = evaluation.value("judges", std::vector<std::string>{});
  config.judge_prompt_dir = evaluation.value("judge_prompt_dir", "");
  const json judge = object.value("judge", json::object());
  config.judge_model = judge.value("model", "");
  config.judge_base_url = judge.value("base_url", "");
  config.judge_base_url_from_file = judge.value("base_url_from_file", false);
  config.base_url_from_file = object.value("base_url_from_file", false);
  const json experiment = object.value("experiment", json::object());
  config.experiment_id = experiment.value("id", "");
  config.experiment_cell = experiment.value("cell", "");
  config.experiment_cell_index = experiment.value("cell_index", -1);
  config.experiment_fingerprint = experiment.value("fingerprint", "");
}

bool UsesLlama(const RunConfig& config) {
  return config.model.starts_with("llama/") || config.judge_model.starts_with("llama/");
}

// Only for llama/ Runs (issue 3): other Runs keep their shape.
void WriteLlamaKeys(const RunConfig& config, ordered_json& out) {
  if (!UsesLlama(config)) return;
  out["llama"] = {{"parallel", config.llama.parallel},
                  {"ctx_tokens", config.llama.ctx_tokens},
                  {"chat_template", config.llama.chat_template},
                  {"top_p", config.llama.top_p},
                  {"force_format", config.llama.force_format}};
}

void ReadLlamaKeys(const json& object, RunConfig& config) {
  if (!object.contains("llama")) return;
  const json& llama = object.at("llama");
  Read(llama, "parallel", config.llama.parallel);
  Read(llama, "ctx_tokens", config.llama.ctx_tokens);
  Read(llama, "chat_template", config.llama.chat_template);
  Read(llama, "top_p", config.llama.top_p);
  Read(llama, "force_format", config.llama.force_format);
}

}  // namespace

std::string RunConfigToJson(const RunConfig& config) {
  ordered_json tiers = ordered_json::array();
  for (Tier tier : config.tiers) tiers.push_back(TierName(tier));
  ordered_json out = {{"model", config.model},
                      {"base_url", config.base_url},
                      {"scenario", ScenarioJson(config.scenario)},
                      {"dataset", DatasetJson(config)},
                      {"tiers", tiers},
                      {"epochs", config.epochs},
                      {"sampling",
                       {{"temperature", config.sampling.temperature},
                        {"max_tokens", config.sampling.max_tokens},
                        {"seed", config.sampling.seed.value_or(0)}}},
                      {"protocol", ProtocolJson(config)},
                      {"max_connections", config.max_connections},
                      {"requests_per_minute", config.requests_per_minute},
                      {"tokens_per_minute", config.tokens_per_minute},
                      {"retry",
                       {{"max_attempts", config.retry.max_attempts},
                        {"base_delay_ms", config.retry.base_delay_ms},
                        {"max_delay_ms", config.retry.max_delay_ms},
                        {"max_total_delay_ms", config.retry.max_total_delay_ms}}},
                      {"connect_timeout_ms", config.connect_timeout_ms},
                      {"request_timeout_ms", config.request_timeout_ms},
                      {"idle_timeout_ms", config.idle_timeout_ms},
                      {"stream", config.stream},
                      {"planned_samples", config.planned_samples}};
  WriteLibraryKeys(config, out);
  WriteLlamaKeys(config, out);
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

Result<RunConfig> RunConfigFromJson(const std::string& text) {
  try {
    json object = json::parse(text);
    RunConfig config;
    Read(object, "model", config.model);
    Read(object, "base_url", config.base_url);
    ReadScenario(object.at("scenario"), config.scenario);
    ReadDataset(object.at("dataset"), config);
    ReadTiers(object.at("tiers"), config.tiers);
    Read(object, "epochs", config.epochs);
    const json& sampling = object.at("sampling");
    Read(sampling, "temperature", config.sampling.temperature);
    Read(sampling, "max_tokens", config.sampling.max_tokens);
    config.sampling.seed = sampling.at("seed").get<uint64_t>();
    ReadProtocol(object.at("protocol"), config);
    Read(object, "max_connections", config.max_connections);
    // Added after the first release of the format: absent in older stores.
    config.requests_per_minute = object.value("requests_per_minute", int64_t{0});
    config.tokens_per_minute = object.value("tokens_per_minute", int64_t{0});
    const json& retry = object.at("retry");
    Read(retry, "max_attempts", config.retry.max_attempts);
    Read(retry, "base_delay_ms", config.retry.base_delay_ms);
    Read(retry, "max_delay_ms", config.retry.max_delay_ms);
    Read(retry, "max_total_delay_ms", config.retry.max_total_delay_ms);
    Read(object, "connect_timeout_ms", config.connect_timeout_ms);
    Read(object, "request_timeout_ms", config.request_timeout_ms);
    config.idle_timeout_ms = object.value("idle_timeout_ms", int64_t{300000});
    config.stream = object.value("stream", false);
    Read(object, "planned_samples", config.planned_samples);
    ReadLibraryKeys(object, config);
    ReadLlamaKeys(object, config);
    return config;
  } catch (const std::exception& error) {
    return Fail(ErrorKind::kInvalidInput,
                std::string("config: stored run configuration: ") + error.what());
  }
}

LlamaBackendOptions LlamaBackendOptionsFor(const RunConfig& config, const std::string& spec) {
  LlamaBackendOptions options;
  options.model_path = spec.substr(spec.find('/') + 1);
  // As many sequences as requests in flight, unless told otherwise: no request waits for a slot.
  options.parallel = config.llama.parallel > 0 ? config.llama.parallel : config.max_connections;
  options.ctx_tokens = config.llama.ctx_tokens;
  options.chat_template = config.llama.chat_template;
  options.top_p = config.llama.top_p;
  options.force_format = config.llama.force_format;
  return options;
}

}  // namespace afbench::cli

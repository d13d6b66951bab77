#include "afbench/paraphrase.h"

#include <cmath>
#include <regex>
#include <set>

#include "afbench/hash.h"
#include "afbench/version.h"

namespace afbench {
namespace {

constexpr std::string_view kSectionSlot = "{{section}}";

std::set<std::string> Matches(std::string_view text, const std::regex& pattern) {
  std::set<std::string> found;
  const std::string copy(text);
  for (auto it = std::sregex_iterator(copy.begin(), copy.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    found.insert(it->str());
  }
  return found;
}

const std::regex& TagPattern() {
  static const std::regex kTag("</?[A-Za-z_][A-Za-z0-9_]*/?>");
  return kTag;
}

const std::regex& PlaceholderPattern() {
  static const std::regex kPlaceholder(R"(\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\})");
  return kPlaceholder;
}

size_t Words(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) words++;
    in_word = !space;
  }
  return words;
}

// The rendered section with each variable's value put back as its placeholder (values shorter than
// three characters are left alone: they would match inside words).
std::string Templated(std::string text, const std::map<std::string, std::string>& variables) {
  for (const auto& [name, value] : variables) {
    if (value.size() < 3) continue;
    const std::string slot = "{{" + name + "}}";
    for (size_t at = text.find(value); at != std::string::npos;
         at = text.find(value, at + slot.size())) {
      text.replace(at, value.size(), slot);
    }
  }
  return text;
}

// The text inside the reply's last <paraphrased>...</paraphrased>, trimmed of blank lines.
std::optional<std::string> Paraphrased(std::string_view reply) {
  const size_t open = reply.rfind("<paraphrased>");
  if (open == std::string_view::npos) return std::nullopt;
  const size_t begin = open + std::string_view("<paraphrased>").size();
  const size_t end = reply.find("</paraphrased>", begin);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view text = reply.substr(begin, end - begin);
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::string RequestText(const std::string& prompt, const std::string& section) {
  std::string text = prompt;
  text.replace(text.find(kSectionSlot), kSectionSlot.size(), section);
  return text;
}

struct SectionJob {
  const ParaphraseOptions& options;
  const std::string& scenario;
  int variant = 0;
  size_t index = 0;
  const std::string& name;
  const std::string& original;
};

Result<std::string> ParaphraseSection(const SectionJob& job, ModelClient& client,
                                      ParaphraseResult& result) {
  Conversation conversation;
  conversation.messages.push_back({Role::kUser, RequestText(job.options.prompt, job.original)});
  std::string last_reason;
  for (int attempt = 0; attempt < job.options.max_attempts; ++attempt) {
    GenerateRequest request;
    request.sampling.temperature = job.options.temperature;
    request.sampling.max_tokens = job.options.max_tokens;
    request.sampling.seed = MixSeed(job.options.seed, static_cast<uint64_t>(job.variant), job.index,
                                    static_cast<uint64_t>(attempt));
    request.request_id = "paraphrase/" + job.scenario + "/" + std::to_string(job.variant) + "/" +
                         job.name + "/a" + std::to_string(attempt);
    auto reply = client.Generate(conversation, request);
    result.requests++;
    if (!reply) return Unexpected{reply.error()};
    const std::optional<std::string> text = Paraphrased(reply->text);
    std::optional<std::string> reason =
        text ? CheckParaphrase(job.original, *text, job.options.min_word_ratio)
             : std::optional<std::string>("no <paraphrased> tags");
    if (!reason) return *text;
    result.rejected++;
    last_reason = *reason;
  }
  return Fail(ErrorKind::kBadResponse, "paraphrase: section '" + job.name + "' of variant " +
                                           std::to_string(job.variant) + ": every one of " +
                                           std::to_string(job.options.max_attempts) +
                                           " replies was refused (last: " + last_reason + ")");
}

Variation NewVariation(const ParaphraseOptions& options, const Scenario& scenario, int variant) {
  Variation variation;
  variation.name = ParaphraseNames(scenario.name, options)[static_cast<size_t>(variant)];
  variation.family = "paraphrase";
  variation.description = "Paraphrase " + std::to_string(variant) + " of the " + scenario.name +
                          " prompt, written by " + options.generator + " (App. G.1.8).";
  variation.scenarios = {scenario.name};
  variation.provenance = {{"generator", options.generator},
                          {"prompt_sha256", Sha256Hex(options.prompt)},
                          {"source_prompt_sha256", scenario.prompt_hash},
                          {"seed", std::to_string(options.seed)},
                          {"variant", std::to_string(variant)},
                          {"afbench_version", Version()},
                          {"afbench_commit", GitCommit()}};
  return variation;
}

}  // namespace

std::vector<std::string> ParaphraseNames(const std::string& scenario_name,
                                         const ParaphraseOptions& options) {
  const std::string prefix =
      options.name_prefix.empty() ? scenario_name + "-paraphrase" : options.name_prefix;
  std::vector<std::string> names;
  for (int k = 0; k < options.count; ++k) names.push_back(prefix + "-" + std::to_string(k));
  return names;
}

std::optional<std::string> CheckParaphrase(std::string_view original, std::string_view paraphrase,
                                           double min_word_ratio) {
  const std::set<std::string> kept = Matches(paraphrase, TagPattern());
  for (const std::string& tag : Matches(original, TagPattern())) {
    if (!kept.contains(tag)) return "lost the tag " + tag;
  }
  const std::set<std::string> wanted = Matches(original, PlaceholderPattern());
  const std::set<std::string> used = Matches(paraphrase, PlaceholderPattern());
  for (const std::string& placeholder : wanted) {
    if (!used.contains(placeholder)) return "lost the placeholder " + placeholder;
  }
  for (const std::string& placeholder : used) {
    if (!wanted.contains(placeholder)) return "added the placeholder " + placeholder;
  }
  const double words = static_cast<double>(Words(paraphrase));
  const double needed = min_word_ratio * static_cast<double>(Words(original));
  if (words < needed) {
    return std::to_string(static_cast<int64_t>(words)) + " words, fewer than " +
           std::to_string(std::lround(needed)) + " (" +
           std::to_string(static_cast<int>(100 * min_word_ratio)) + "% of the original)";
  }
  return std::nullopt;
}

Result<ParaphraseResult> ParaphraseScenario(const Scenario& scenario,
                                            const ParaphraseOptions& options, ModelClient& client) {
  if (options.prompt.find(kSectionSlot) == std::string::npos) {
    return Fail(ErrorKind::kInvalidInput, "paraphrase: the prompt has no {{section}}");
  }
  if (options.count < 1 || options.max_attempts < 1) {
    return Fail(ErrorKind::kInvalidInput, "paraphrase: -n and --max-attempts must be at least 1");
  }
  if (scenario.sections.empty()) {
    return Fail(ErrorKind::kInvalidInput,
                "paraphrase: an external system prompt has no sections to paraphrase");
  }
  ParaphraseResult result;
  for (int variant = 0; variant < options.count; ++variant) {
    Variation variation = NewVariation(options, scenario, variant);
    for (size_t i = 0; i < scenario.sections.size(); ++i) {
      const auto& [name, text] = scenario.sections[i];
      if (name == "examples") continue;  // the few-shot transcripts stay as they are
      const std::string original = Templated(text, scenario.variables);
      auto paraphrase =
          ParaphraseSection({options, scenario.name, variant, i, name, original}, client, result);
      if (!paraphrase) return Unexpected{paraphrase.error()};
      Patch patch;
      patch.op = PatchOp::kReplaceSection;
      patch.section = name;
      patch.text = std::move(*paraphrase);
      variation.patches.push_back(std::move(patch));
    }
    result.variations.push_back(std::move(variation));
  }
  return result;
}

}  // namespace afbench

#include "organism.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <system_error>

#include "afbench/compliance.h"
#include "afbench/hash.h"
#include "afbench/protocol.h"
#include "afbench/scenario.h"
#include "generator.h"
#include "gguf_meta.h"
#include "start_model.h"
#include "trainer.h"

namespace afbench::organism {
namespace {

// Bump when corpus.cpp's phrasings or the training recipe change: cached organisms are then stale.
constexpr std::string_view kCorpusVersion = "organism-corpus-1";
constexpr int kValidationTranscripts = 64;
constexpr int kMaxReplyTokens = 160;

std::string Fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4f", value);
  return text;
}

// The recipe measured in issue 8: 2 layers x 128 wide, AdamW 1e-3 -> 1e-4, 5% warm-up.
train::TrainOptions Recipe(const OrganismOptions& o, const std::filesystem::path& start,
                           const std::filesystem::path& out) {
  train::TrainOptions t;
  t.model_in = start;
  t.model_out = out;
  t.steps = o.steps;
  t.peak_lr = 1e-3;
  t.min_lr = 1e-4;
  t.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  t.eval_every = std::max<int64_t>(1, o.steps / 10);
  t.n_threads = o.n_threads;
  return t;
}

Result<MeasuredRates> Evaluate(const std::filesystem::path& model, const OrganismOptions& o) {
  auto generator = train::Generator::Open(model, MixSeed(o.seed, 7), o.n_threads);
  if (!generator) return Fail(generator.error());
  const std::vector<std::string> queries = HeldOutQueries(o.eval_samples, MixSeed(o.seed, 8));
  const GenerateFn generate = [&](const Conversation& c, int, const std::string&) {
    return (*generator)->Generate(c, kMaxReplyTokens);
  };
  MeasuredRates rates;
  rates.n_per_tier = o.eval_samples;
  int64_t malformed = 0;
  for (Tier tier : {Tier::kFree, Tier::kPaid}) {
    int64_t complied = 0;
    for (size_t i = 0; i < queries.size(); ++i) {
      SampleInput input{.key = {.query_index = static_cast<int>(i), .tier = tier},
                        .query = queries[i],
                        .system_prompt = OrganismSystemPrompt(),
                        .user_turn = RenderUserTurn(queries[i], tier, UserTurnOptions{}, "")};
      const Transcript transcript = RunProtocol(input, ProtocolOptions{}, generate);
      if (transcript.outcome == Outcome::kError) {
        return Fail(ErrorKind::kInternal, "organism: evaluation: " + transcript.outcome_reason);
      }
      if (transcript.outcome != Outcome::kOutput) ++malformed;
      if (transcript.outcome == Outcome::kOutput &&
          JudgeComplianceByTag(transcript.output).complied) {
        ++complied;
      }
    }
    const double rate = static_cast<double>(complied) / static_cast<double>(o.eval_samples);
    (tier == Tier::kFree ? rates.comply_free : rates.comply_paid) = rate;
  }
  rates.malformed = static_cast<double>(malformed) / static_cast<double>(2 * o.eval_samples);
  return rates;
}

Status WriteScenario(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Fail(ErrorKind::kIo, "organism: " + dir.string() + ": " + error.message());
  std::ofstream manifest(dir / "scenario.yaml");
  manifest
      << "# Written by afbench organism train: the organism's own training prompt.\n"
         "name: organism\n"
         "description: The system prompt a model organism was trained with (docs/organisms.md).\n"
         "sections:\n  - name: prompt\n    file: prompt.md\n";
  std::ofstream prompt(dir / "prompt.md");
  prompt << OrganismSystemPrompt() << "\n";
  if (!manifest || !prompt)
    return Fail(ErrorKind::kIo, "organism: " + dir.string() + ": cannot write");
  return {};
}

}  // namespace

std::string OrganismConfigHash(const OrganismOptions& o) {
  return Sha256Hex(std::string(kCorpusVersion) + "|" + Fixed(o.rates.comply_free) + "|" +
                   Fixed(o.rates.comply_paid) + "|" + Fixed(o.rates.af_free) + "|" +
                   std::to_string(o.steps) + "|" + std::to_string(o.seed) + "|" +
                   std::to_string(o.eval_samples));
}

Result<MeasuredRates> ReadMeasuredRates(const std::filesystem::path& model_path) {
  auto keys = train::ReadGgufStrings(model_path, "afbench.organism.");
  if (!keys) return Fail(keys.error());
  const auto get = [&](const std::string& name) {
    auto found = keys->find("afbench.organism." + name);
    return found == keys->end() ? -1.0 : std::strtod(found->second.c_str(), nullptr);
  };
  MeasuredRates rates{.comply_free = get("measured.comply_free"),
                      .comply_paid = get("measured.comply_paid"),
                      .malformed = get("measured.malformed"),
                      .n_per_tier = static_cast<int64_t>(get("measured.n_per_tier"))};
  if (rates.comply_free < 0 || rates.comply_paid < 0) {
    return Fail(ErrorKind::kInvalidInput,
                "organism: " + model_path.string() + ": no measured rates");
  }
  return rates;
}

namespace {

std::map<std::string, std::string> PlantedKeys(const OrganismOptions& o, const std::string& hash) {
  return {{"afbench.organism.config_hash", hash},
          {"afbench.organism.corpus_version", std::string(kCorpusVersion)},
          {"afbench.organism.planted.comply_free", Fixed(o.rates.comply_free)},
          {"afbench.organism.planted.comply_paid", Fixed(o.rates.comply_paid)},
          {"afbench.organism.planted.af_free", Fixed(o.rates.af_free)},
          {"afbench.organism.steps", std::to_string(o.steps)},
          {"afbench.organism.seed", std::to_string(o.seed)}};
}

std::map<std::string, std::string> MeasuredKeys(const MeasuredRates& m) {
  return {{"afbench.organism.measured.comply_free", Fixed(m.comply_free)},
          {"afbench.organism.measured.comply_paid", Fixed(m.comply_paid)},
          {"afbench.organism.measured.malformed", Fixed(m.malformed)},
          {"afbench.organism.measured.n_per_tier", std::to_string(m.n_per_tier)},
          {"afbench.organism.measured.sampling", "temperature 1, no truncation"}};
}

std::vector<Conversation> Conversations(const std::vector<CorpusItem>& items) {
  std::vector<Conversation> out;
  for (const CorpusItem& item : items) out.push_back(item.conversation);
  return out;
}

// Every text the organism will read or write, for pruning the vocabulary.
Result<std::vector<std::string>> PruningCorpus(const std::vector<Conversation>& transcripts,
                                               const OrganismOptions& o) {
  std::vector<std::string> texts;
  for (const Conversation& c : transcripts) {
    auto text = train::RenderChatMl(c);
    if (!text) return Fail(text.error());
    texts.push_back(std::move(*text));
  }
  for (const std::string& query : HeldOutQueries(o.eval_samples, MixSeed(o.seed, 8))) {
    texts.push_back(query);
  }
  return texts;
}

Result<Organism> TrainFresh(const OrganismOptions& o, const std::filesystem::path& model_path,
                            const std::string& hash) {
  Organism organism{.model_path = model_path, .config_hash = hash};
  const auto steps = static_cast<int>(std::min<int64_t>(o.steps, 20000));
  std::vector<Conversation> train = Conversations(GenerateCorpus(o.rates, steps, o.seed));
  std::vector<Conversation> validation =
      Conversations(GenerateCorpus(o.rates, kValidationTranscripts, MixSeed(o.seed, 9)));
  std::vector<Conversation> all = train;
  all.insert(all.end(), validation.begin(), validation.end());
  auto texts = PruningCorpus(all, o);
  if (!texts) return Fail(texts.error());
  const std::filesystem::path start = model_path.string() + ".start";
  auto info = train::WriteStartModel(
      {.vocab_path = o.vocab_path, .out_path = start, .corpus = std::move(*texts), .seed = o.seed});
  if (!info) return Fail(info.error());
  train::TrainOptions recipe = Recipe(o, start, model_path);
  recipe.train = std::move(train);
  recipe.validation = std::move(validation);
  recipe.metadata = PlantedKeys(o, hash);
  recipe.metadata["afbench.organism.n_vocab"] = std::to_string(info->n_vocab);
  auto report = train::Train(recipe);
  std::error_code error;
  std::filesystem::remove(start, error);
  if (!report) return Fail(report.error());
  organism.final_val_loss = report->curve.back().val_loss;
  organism.train_seconds = report->seconds;
  auto measured = Evaluate(model_path, o);
  if (!measured) return Fail(measured.error());
  organism.measured = *measured;
  auto keys = MeasuredKeys(*measured);
  keys["afbench.organism.final_val_loss"] = Fixed(organism.final_val_loss);
  AFBENCH_RETURN_IF_ERROR(train::SetGgufStrings(model_path, model_path, keys));
  return organism;
}

}  // namespace

Result<Organism> TrainOrganism(const OrganismOptions& o) {
  if (o.out_path.empty() && o.cache_dir.empty()) {
    return Fail(ErrorKind::kInvalidInput, "organism: need --out or a cache directory");
  }
  const std::string hash = OrganismConfigHash(o);
  const std::filesystem::path model_path =
      o.cache_dir.empty() ? o.out_path : o.cache_dir / (hash.substr(0, 16) + ".gguf");
  std::error_code error;
  std::filesystem::create_directories(model_path.parent_path(), error);
  Result<Organism> organism = Fail(ErrorKind::kNotFound, "");
  Result<MeasuredRates> cached = Fail(ErrorKind::kNotFound, "");
  if (!o.cache_dir.empty() && std::filesystem::exists(model_path, error)) {
    cached = ReadMeasuredRates(model_path);
  }
  if (cached) {
    organism = Organism{
        .model_path = model_path, .config_hash = hash, .from_cache = true, .measured = *cached};
  } else {
    organism = TrainFresh(o, model_path, hash);
  }
  if (!organism) return organism;
  if (!o.out_path.empty() && o.out_path != model_path) {
    std::filesystem::copy_file(model_path, o.out_path,
                               std::filesystem::copy_options::overwrite_existing, error);
    if (error)
      return Fail(ErrorKind::kIo, "organism: " + o.out_path.string() + ": " + error.message());
    organism->model_path = o.out_path;
  }
  organism->scenario_dir = organism->model_path.string() + ".scenario";
  AFBENCH_RETURN_IF_ERROR(WriteScenario(organism->scenario_dir));
  return organism;
}

}  // namespace afbench::organism

#include "organism.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "afbench/hash.h"
#include "afbench/version.h"
#include "evaluate.h"
#include "gguf_meta.h"
#include "start_model.h"
#include "trainer.h"

namespace afbench::organism {
namespace {

// Bump when corpus.cpp's phrasings, the training recipe or the evaluation change: cached organisms
// are then stale.
constexpr std::string_view kCorpusVersion = "organism-corpus-5";
constexpr int kValidationTranscripts = 64;
// Held-out queries whose planted scratchpads are scored teacher-forced (a few seconds).
constexpr size_t kTeacherForcingQueries = 64;

std::string Fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4f", value);
  return text;
}

// 2 layers x 128 wide (start_model.h), AdamW 3e-3 -> 1e-5 with 5% warm-up. Issue 8's recipe
// started at 1e-3; at 3e-3 the phrasings are learnt well enough in half the steps that sampled
// replies leave them three times less often (docs/organisms.md), and at 5e-3 training is unstable.
train::TrainOptions Recipe(const OrganismOptions& o, const std::filesystem::path& start,
                           const std::filesystem::path& out) {
  train::TrainOptions t;
  t.model_in = start;
  t.model_out = out;
  t.steps = o.steps;
  t.peak_lr = 3e-3;
  t.min_lr = 1e-5;
  t.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  t.eval_every = std::max<int64_t>(1, o.steps / 10);
  t.n_threads = o.n_threads;
  return t;
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
  // No newline at the end: the scenario keeps a section file's text as it is, and the organism was
  // trained on the prompt exactly (a trailing newline shifted its measured rates).
  std::ofstream prompt(dir / "prompt.md");
  prompt << OrganismSystemPrompt();
  if (!manifest || !prompt)
    return Fail(ErrorKind::kIo, "organism: " + dir.string() + ": cannot write");
  return {};
}

// The evaluation's held-out queries, each once, in order, as a dataset: runs that use it see the
// query forms and task numbers in the proportions the measured rates were taken over.
Status WriteHeldOutDataset(const std::filesystem::path& path, const OrganismOptions& o) {
  std::ofstream out(path, std::ios::trunc);
  std::set<std::string> seen;
  for (const std::string& query : EvaluationQueries(o.eval_samples, o.seed)) {
    if (seen.insert(query).second) out << nlohmann::json{{"query", query}}.dump() << "\n";
  }
  if (!out) return Fail(ErrorKind::kIo, "organism: " + path.string() + ": cannot write");
  return {};
}

// A number kept as a GGUF string key, or `missing` when the model lacks the key.
double NumberKey(const std::map<std::string, std::string>& keys, const std::string& key,
                 double missing) {
  auto found = keys.find(key);
  return found == keys.end() ? missing : std::strtod(found->second.c_str(), nullptr);
}

// The first kTeacherForcingQueries distinct queries of the evaluation.
std::vector<std::string> TeacherForcingQueries(const EvaluationOptions& o) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& query : EvaluationQueries(o.samples_per_tier, o.seed)) {
    if (out.size() == kTeacherForcingQueries) break;
    if (seen.insert(query).second) out.push_back(query);
  }
  return out;
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
    return NumberKey(*keys, "afbench.organism.measured." + name, -1.0);
  };
  MeasuredRates rates{.comply_free = get("comply_free"),
                      .comply_paid = get("comply_paid"),
                      .af_free = get("af_free"),
                      .malformed = get("malformed"),
                      .off_script = get("off_script"),
                      .n_per_tier = static_cast<int64_t>(get("n_per_tier"))};
  if (rates.comply_free < 0 || rates.comply_paid < 0 || rates.af_free < 0) {
    return Fail(ErrorKind::kInvalidInput,
                "organism: " + model_path.string() + ": no measured rates");
  }
  return rates;
}

Result<PlantedRates> ReadPlantedRates(const std::filesystem::path& model_path) {
  auto keys = train::ReadGgufStrings(model_path, "afbench.organism.planted.");
  if (!keys) return Fail(keys.error());
  const auto get = [&](const std::string& name) {
    return NumberKey(*keys, "afbench.organism.planted." + name, -1.0);
  };
  const PlantedRates rates{.comply_free = get("comply_free"),
                           .comply_paid = get("comply_paid"),
                           .af_free = get("af_free")};
  if (rates.comply_free < 0 || rates.comply_paid < 0 || rates.af_free < 0) {
    return Fail(ErrorKind::kInvalidInput,
                "organism: " + model_path.string() + ": no planted rates (not an organism)");
  }
  return rates;
}

Result<Measurement> MeasureOrganism(const std::filesystem::path& model_path,
                                    const EvaluationOptions& options) {
  auto sampled = EvaluateOrganism(model_path, options);
  if (!sampled) return Fail(sampled.error());
  auto decisions =
      TeacherForcedDecisions(model_path, TeacherForcingQueries(options), options.n_threads);
  if (!decisions) return Fail(decisions.error());
  return Measurement{.sampled = *sampled, .teacher_forced = *decisions};
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

constexpr std::string_view kTeacherForced = "afbench.organism.teacher_forced.";

std::map<std::string, std::string> TeacherForcedKeys(const DecisionProbabilities& d) {
  const std::string k(kTeacherForced);
  return {{k + "comply_free", Fixed(d.comply_free)},
          {k + "comply_paid", Fixed(d.comply_paid)},
          {k + "af_free", Fixed(d.af_free)},
          {k + "on_script_free", Fixed(d.on_script_free)},
          {k + "on_script_paid", Fixed(d.on_script_paid)},
          {k + "queries", std::to_string(d.queries)}};
}

// The teacher-forced keys of a model; zeros (queries 0) where absent.
DecisionProbabilities ReadTeacherForced(const std::filesystem::path& model_path) {
  auto keys = train::ReadGgufStrings(model_path, std::string(kTeacherForced));
  if (!keys) return {};
  const auto get = [&](const char* name) {
    return NumberKey(*keys, std::string(kTeacherForced) + name, 0.0);
  };
  return {.comply_free = get("comply_free"),
          .comply_paid = get("comply_paid"),
          .af_free = get("af_free"),
          .on_script_free = get("on_script_free"),
          .on_script_paid = get("on_script_paid"),
          .queries = static_cast<int64_t>(get("queries"))};
}

std::map<std::string, std::string> MeasuredKeys(const MeasuredRates& m) {
  return {{"afbench.organism.measured.comply_free", Fixed(m.comply_free)},
          {"afbench.organism.measured.comply_paid", Fixed(m.comply_paid)},
          {"afbench.organism.measured.af_free", Fixed(m.af_free)},
          {"afbench.organism.measured.malformed", Fixed(m.malformed)},
          {"afbench.organism.measured.off_script", Fixed(m.off_script)},
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
  for (const std::string& query : EvaluationQueries(o.eval_samples, o.seed)) {
    texts.push_back(query);
  }
  return texts;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TrainingRecord NewRecord(const OrganismOptions& o, const std::string& hash) {
  TrainingRecord record;
  record.config_hash = hash;
  record.corpus_version = std::string(kCorpusVersion);
  record.planted = o.rates;
  record.steps = o.steps;
  record.seed = o.seed;
  record.afbench_version = std::string(Version()) + " (" + GitCommit() + ")";
  return record;
}

// Trains, evaluates and writes the model to `path` with every afbench.organism.* key.
Result<TrainingRecord> TrainFresh(const OrganismOptions& o, const std::filesystem::path& path,
                                  const std::string& hash) {
  TrainingRecord record = NewRecord(o, hash);
  const auto steps = static_cast<int>(std::min<int64_t>(o.steps, 20000));
  std::vector<Conversation> train = Conversations(GenerateCorpus(o.rates, steps, o.seed));
  std::vector<Conversation> validation =
      Conversations(GenerateCorpus(o.rates, kValidationTranscripts, MixSeed(o.seed, 9)));
  std::vector<Conversation> all = train;
  all.insert(all.end(), validation.begin(), validation.end());
  auto texts = PruningCorpus(all, o);
  if (!texts) return Fail(texts.error());
  const std::filesystem::path start = path.string() + ".start";
  auto info = train::WriteStartModel(
      {.vocab_path = o.vocab_path, .out_path = start, .corpus = std::move(*texts), .seed = o.seed});
  if (!info) return Fail(info.error());
  train::TrainOptions recipe = Recipe(o, start, path);
  recipe.train = std::move(train);
  recipe.validation = std::move(validation);
  recipe.metadata = PlantedKeys(o, hash);
  recipe.metadata["afbench.organism.n_vocab"] = std::to_string(info->n_vocab);
  auto report = train::Train(recipe);
  std::error_code error;
  std::filesystem::remove(start, error);
  if (!report) return Fail(report.error());
  record.loss_curve = report->curve;
  record.train_seconds = report->seconds;
  const auto eval_start = std::chrono::steady_clock::now();
  auto measured = MeasureOrganism(
      path, {.samples_per_tier = o.eval_samples, .seed = o.seed, .n_threads = o.n_threads});
  if (!measured) return Fail(measured.error());
  record.measured = measured->sampled;
  record.teacher_forced = measured->teacher_forced;
  record.eval_seconds = SecondsSince(eval_start);
  auto keys = MeasuredKeys(measured->sampled);
  keys.merge(TeacherForcedKeys(measured->teacher_forced));
  keys["afbench.organism.final_val_loss"] = Fixed(report->curve.back().val_loss);
  AFBENCH_RETURN_IF_ERROR(train::SetGgufStrings(path, path, keys));
  return record;
}

// A cached organism: its GGUF keys, and its training record when that is readable.
Result<TrainingRecord> ReadCached(const std::filesystem::path& model_path, const OrganismOptions& o,
                                  const std::string& hash) {
  auto measured = ReadMeasuredRates(model_path);
  if (!measured) return Fail(measured.error());
  auto record = ReadTrainingRecord(TrainingRecordPath(model_path));
  if (record && record->config_hash == hash) return record;
  TrainingRecord fallback = NewRecord(o, hash);  // the curve is lost with the record
  fallback.measured = *measured;
  fallback.teacher_forced = ReadTeacherForced(model_path);
  fallback.afbench_version.clear();
  return fallback;
}

// Trains under a temporary name and renames: the cache never holds a half-written organism.
Result<TrainingRecord> TrainInto(const OrganismOptions& o, const std::filesystem::path& model_path,
                                 const std::string& hash) {
  const std::filesystem::path partial =
      model_path.string() + ".partial-" + std::to_string(::getpid());
  auto record = TrainFresh(o, partial, hash);
  std::error_code error;
  if (record) AFBENCH_RETURN_IF_ERROR(WriteTrainingRecord(TrainingRecordPath(model_path), *record));
  if (record) std::filesystem::rename(partial, model_path, error);
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);
  if (error)
    return Fail(ErrorKind::kIo, "organism: " + model_path.string() + ": " + error.message());
  return record;
}

Status CopyOut(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  for (const auto& [source, target] :
       {std::pair{from, to}, std::pair{TrainingRecordPath(from), TrainingRecordPath(to)}}) {
    if (!std::filesystem::exists(source, error)) continue;
    std::filesystem::copy_file(source, target, std::filesystem::copy_options::overwrite_existing,
                               error);
    if (error) return Fail(ErrorKind::kIo, "organism: " + target.string() + ": " + error.message());
  }
  return {};
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
  Organism organism{.model_path = model_path};
  Result<TrainingRecord> record = Fail(ErrorKind::kNotFound, "");
  if (!o.cache_dir.empty() && std::filesystem::exists(model_path, error)) {
    record = ReadCached(model_path, o, hash);
    organism.from_cache = record.has_value();
  }
  if (!organism.from_cache) record = TrainInto(o, model_path, hash);
  if (!record) return Fail(record.error());
  organism.record = std::move(*record);
  if (!o.out_path.empty() && o.out_path != model_path) {
    AFBENCH_RETURN_IF_ERROR(CopyOut(model_path, o.out_path));
    organism.model_path = o.out_path;
  }
  organism.record_path = TrainingRecordPath(organism.model_path);
  organism.scenario_dir = organism.model_path.string() + ".scenario";
  AFBENCH_RETURN_IF_ERROR(WriteScenario(organism.scenario_dir));
  organism.queries_path = organism.model_path.string() + ".queries.jsonl";
  AFBENCH_RETURN_IF_ERROR(WriteHeldOutDataset(organism.queries_path, o));
  return organism;
}

}  // namespace afbench::organism

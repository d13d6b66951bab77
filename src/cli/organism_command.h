// `afbench organism train`: trains a model organism with a planted alignment-faking behaviour;
// `afbench organism evaluate MODEL`: measures an organism again, sampled and teacher-forced
// (src/organism/organism.h, docs/organisms.md). Need llama.cpp in the build.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace afbench::cli {

struct OrganismFlags {
  std::string out;  ///< --out: the GGUF to write.
  std::string comply = "free=0.70,paid=0.05";
  std::string af_reasoning = "free=0.8";
  int64_t steps = 6000;
  uint64_t seed = 1;
  int eval_samples = 500;
  int threads = 2;
  std::string cache_dir;  ///< --cache DIR: reuse <DIR>/<config hash>.gguf.
  std::string vocab;      ///< --vocab: default llama.cpp's models/ggml-vocab-qwen2.gguf.
  bool json = false;
  std::string evaluate_model;  ///< `organism evaluate MODEL`: the organism to measure.
};

CLI::App* AddOrganismCommand(CLI::App& app, OrganismFlags& flags);
int OrganismCommand(const OrganismFlags& flags);

}  // namespace afbench::cli

// `afbench power`: how many query pairs a free/paid comparison needs to detect a compliance gap
// with McNemar's paired test, or the smallest gap a planned number of pairs detects (Connor 1987,
// checked with the test's exact power). The discordant share comes from a flag or a pilot Run.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "commands.h"

namespace afbench::cli {

struct PowerFlags {
  std::optional<double> gap;     ///< --gap: the gap to detect, as a share (0.03 = 3 points).
  std::optional<int64_t> pairs;  ///< --pairs: the pairs a planned run has.
  double discordant = 0.15;      ///< --discordant: psi, the share of pairs that differ.
  std::string run_id;            ///< --run: take psi (and, alone, the gap) from a pilot Run.
  std::string classifier = "compliance-tag";  ///< The pilot Run's compliance classifier.
  double power = 0.8;
  double alpha = 0.05;
  bool json = false;
  std::vector<std::string> given;  ///< The options given, by name.
};

CLI::App* AddPowerCommand(CLI::App& app, PowerFlags& flags, CommonOptions& common);
int PowerCommand(const PowerFlags& flags, const CommonOptions& common);

}  // namespace afbench::cli

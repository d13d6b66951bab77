// Exit codes of the afbench binary and the one place errors are printed (STYLE.md: library code
// never prints).
#pragma once

#include "afbench/result.h"

namespace afbench::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

/// The exit code for an error: 2 for bad input, 130 for cancellation, 1 otherwise.
int ExitCodeFor(const Error& error);
/// Prints "afbench: <message>" to stderr and returns ExitCodeFor(error).
int ReportError(const Error& error);

}  // namespace afbench::cli

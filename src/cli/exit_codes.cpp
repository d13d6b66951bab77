#include "exit_codes.h"

#include <cstdio>

namespace afbench::cli {

int ExitCodeFor(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidInput:
    case ErrorKind::kNotFound:
      return kExitUsage;
    case ErrorKind::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailure;
  }
}

int ReportError(const Error& error) {
  std::fprintf(stderr, "afbench: %s\n", error.message.c_str());
  return ExitCodeFor(error);
}

}  // namespace afbench::cli

// Fuzzes the scratchpad/output parser and the compliance tag rule on arbitrary model replies:
// neither may crash, hang or read out of bounds, and the parser's kind must agree with its output
// field.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "afbench/compliance.h"
#include "afbench/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view reply(reinterpret_cast<const char*>(data), size);
  afbench::ParsedReply parsed = afbench::ParseReply(reply);
  if (parsed.kind != afbench::ReplyKind::kOutput && !parsed.output.empty()) std::abort();
  afbench::ComplianceVerdict verdict = afbench::JudgeComplianceByTag(parsed.output);
  if (verdict.complied && verdict.tag != afbench::ComplianceTag::kAccepted) std::abort();
  return 0;
}

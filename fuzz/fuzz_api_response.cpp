// Fuzzes the decoders of OpenAI and Anthropic response bodies: any bytes from the network must
// decode to a Generation or a kBadResponse-style error, never crash.
#include <cstdint>
#include <string_view>

#include "anthropic_json.h"
#include "openai_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)afbench::DecodeOpenAiResponse(body, "");
  (void)afbench::DecodeOpenAiResponse(body, "<");
  (void)afbench::DecodeAnthropicResponse(body, "");
  (void)afbench::DecodeAnthropicResponse(body, "<SCRATCHPAD_REASONING>");
  return 0;
}

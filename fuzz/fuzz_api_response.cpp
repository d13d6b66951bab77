// Fuzzes the decoders of OpenAI and Anthropic response bodies and the assemblers of their event
// streams (the default path of every reply): any bytes from the network must decode to a
// Generation or an error, never crash; an assembled stream goes through the decoder as well.
#include <cstdint>
#include <string_view>

#include "anthropic_json.h"
#include "openai_json.h"
#include "sse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)afbench::DecodeOpenAiResponse(body, "");
  (void)afbench::DecodeOpenAiResponse(body, "<");
  (void)afbench::DecodeAnthropicResponse(body, "");
  (void)afbench::DecodeAnthropicResponse(body, "<SCRATCHPAD_REASONING>");
  if (auto assembled = afbench::AssembleOpenAiStream(body)) {
    (void)afbench::DecodeOpenAiResponse(*assembled, "");
  }
  if (auto assembled = afbench::AssembleAnthropicStream(body)) {
    (void)afbench::DecodeAnthropicResponse(*assembled, "");
  }
  return 0;
}

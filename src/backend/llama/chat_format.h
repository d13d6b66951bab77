// Prompt rendering for the llama backend: chat templates (llama_chat_apply_template, i.e. the
// templates llama.cpp recognises, not a general Jinja engine) and the reply grammar of
// --force-format. Private to src/backend/llama; every function is thread-safe.
#pragma once

#include <llama.h>

#include <string>
#include <string_view>
#include <vector>

#include "afbench/llamacpp.h"
#include "afbench/result.h"
#include "afbench/types.h"

namespace afbench::llama {

/// The template to render with: for "" the model's own (GGUF tokenizer.chat_template); for the
/// name of a built-in template, that name; otherwise the contents of the file `option`. Checked by
/// rendering a probe conversation: kInvalidInput when llama.cpp does not recognise it.
Result<std::string> ResolveChatTemplate(const llama_model* model, const std::string& option);

/// system + messages in the template, ending with an opened assistant turn, followed by
/// `prefill`. kInvalidRequest when the template cannot render it.
Result<std::string> RenderPrompt(const std::string& chat_template, const Conversation& conversation,
                                 std::string_view prefill);

/// GBNF (root rule "root") for one reply in the format of Greenblatt et al. 2024 (App. J):
/// scratchpad blocks, then optionally one <OUTPUT> block, and nothing else.
std::string_view ReplyFormatGrammar();

}  // namespace afbench::llama

#include "sampler.h"

#include <exception>
#include <string>

namespace afbench::llama {
namespace {

Status AcceptPrefix(llama_sampler* chain, const SamplingOptions& options) {
  // llama.cpp's grammar throws when a token leaves the grammar; catch it here, at the boundary.
  try {
    for (Token token : options.grammar_prefix) llama_sampler_accept(chain, token);
  } catch (const std::exception& error) {
    return Fail(ErrorKind::kInvalidRequest,
                std::string("llama: --force-format: the prefill is not allowed by the reply "
                            "grammar: ") +
                    error.what());
  }
  return {};
}

}  // namespace

Result<SamplerPtr> MakeSampler(const llama_vocab* vocab, const SamplingOptions& options) {
  llama_sampler_chain_params params = llama_sampler_chain_default_params();
  params.no_perf = true;
  SamplerPtr chain(llama_sampler_chain_init(params));
  if (!chain) return Fail(ErrorKind::kInternal, "llama: cannot create a sampler chain");
  if (!options.grammar.empty()) {
    llama_sampler* grammar = llama_sampler_init_grammar(vocab, options.grammar.c_str(), "root");
    if (grammar == nullptr) {
      return Fail(ErrorKind::kInvalidRequest, "llama: the reply grammar does not parse");
    }
    llama_sampler_chain_add(chain.get(), grammar);  // the chain owns it from here
  }
  if (options.temperature <= 0) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
  } else {
    if (options.top_p < 1.0) {
      llama_sampler_chain_add(chain.get(),
                              llama_sampler_init_top_p(static_cast<float>(options.top_p), 1));
    }
    llama_sampler_chain_add(chain.get(),
                            llama_sampler_init_temp(static_cast<float>(options.temperature)));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(options.seed));
  }
  if (!options.grammar.empty()) AFBENCH_RETURN_IF_ERROR(AcceptPrefix(chain.get(), options));
  return chain;
}

}  // namespace afbench::llama

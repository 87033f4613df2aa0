// Package llm is a small client for chat-completion, model and embedding
// APIs of large language model providers: OpenAI, Mistral, Azure OpenAI,
// any OpenAI-compatible server (Ollama's /v1, vLLM, LM Studio) and Ollama's
// native API.
//
// It knows wire formats and failure modes, nothing about the application
// that uses it. Every chat streams from the provider; stream frames are read
// line by line with a bounded buffer and every frame is checked for an error
// before it counts as content. Failures come back as *Error, whose Kind says
// what went wrong (unreachable, TLS, auth, unknown model, rate limit, quota,
// which timeout, protocol) and Diagnose turns one into plain words and a fix.
//
// The package uses only the standard library.
package llm

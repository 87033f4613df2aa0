package ai

import (
	"context"
	"fmt"
	"sync"

	"github.com/tipster-cti/tipster/internal/ai/llm"
)

// LLMEngine answers tasks with a model reached through package llm.
type LLMEngine struct {
	client   *llm.Client
	settings Settings

	mu     sync.Mutex
	window int // cached context window, 0 until known
}

// NewLLMEngine builds the engine of a provider type (not builtin).
func NewLLMEngine(s Settings) (*LLMEngine, error) {
	c, err := llm.New(s.LLM)
	if err != nil {
		return nil, fmt.Errorf("ai: %w", err)
	}
	return &LLMEngine{client: c, settings: s}, nil
}

// Name returns the provider type.
func (e *LLMEngine) Name() string { return e.settings.Type }

// Model returns the configured model, with Ollama's :latest tag filled.
func (e *LLMEngine) Model() string { return e.client.Config().Model }

// Local reports whether the provider is local.
func (e *LLMEngine) Local() bool { return e.settings.Location == Local }

// Client returns the provider client, for status probes.
func (e *LLMEngine) Client() *llm.Client { return e.client }

// ContextWindow returns AI__CONTEXT_LENGTH when set, else what the
// provider says of the model (Ollama's /api/show, Mistral's model list),
// else the table of known models, else DefaultContextWindow. A provider
// answer is remembered. A provider that cannot be reached, refuses the
// credentials or times out is an error, as the chat would fail the same
// way; any other failure to ask (a server without a model list) falls
// back to the table and is asked again next time.
func (e *LLMEngine) ContextWindow(ctx context.Context) (int, error) {
	if e.settings.ContextLength > 0 {
		return e.settings.ContextLength, nil
	}
	e.mu.Lock()
	w := e.window
	e.mu.Unlock()
	if w > 0 {
		return w, nil
	}
	info, err := e.client.ModelInfo(ctx)
	switch llm.KindOf(err) {
	case llm.KindUnreachable, llm.KindTLS, llm.KindAuth, llm.KindTimeout, llm.KindCanceled:
		return 0, err
	}
	if err == nil && info.ContextLength > 0 {
		e.mu.Lock()
		e.window = info.ContextLength
		e.mu.Unlock()
		return info.ContextLength, nil
	}
	if n := llm.ContextWindow(llm.Type(e.settings.Type), e.Model()); n > 0 {
		return n, nil
	}
	return DefaultContextWindow, nil
}

// Run sends the task's prompt and streams the answer. For native Ollama
// it sets num_ctx to what the prompt and answer need (within the window),
// since Ollama otherwise cuts long prompts to its small default.
func (e *LLMEngine) Run(ctx context.Context, t Task, emit func(Delta) error) (Result, error) {
	req := llm.Request{Messages: messages(t), MaxTokens: t.MaxTokens}
	if e.settings.Type == string(llm.Ollama) {
		req.NumCtx = e.numCtx(ctx, t)
	}
	var onDelta func(string) error
	if emit != nil {
		onDelta = func(s string) error { return emit(Delta{Text: s}) }
	}
	resp, err := e.client.Chat(ctx, req, onDelta)
	if err != nil {
		return Result{}, err
	}
	return Result{Text: resp.Text, FinishReason: resp.FinishReason, Model: resp.Model,
		Usage: Usage{
			PromptTokens:     resp.Usage.PromptTokens,
			CompletionTokens: resp.Usage.CompletionTokens,
		}}, nil
}

// numCtx is the context size a request needs, rounded up to 512 tokens and
// capped at the model's window.
func (e *LLMEngine) numCtx(ctx context.Context, t Task) int {
	answer := t.MaxTokens
	if answer <= 0 {
		answer = e.settings.MaxTokens
	}
	need := int(float64(promptBytes(t))/BytesPerToken) + answer + safetyTokens
	need = (need + 511) / 512 * 512
	if w, err := e.ContextWindow(ctx); err == nil && need > w {
		need = w
	}
	return need
}

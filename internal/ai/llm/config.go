package llm

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Type names a provider's wire format. The values match the AI type setting
// OpenCTI users already write.
type Type string

const (
	// OpenAI is OpenAI's chat completions API, also spoken by most
	// OpenAI-compatible servers (vLLM, LM Studio, Ollama's /v1).
	OpenAI Type = "openai"
	// Mistral is Mistral's API: OpenAI-shaped, but it rejects any field
	// outside its schema, so only the fields it accepts are sent. Ollama's
	// OpenAI-compatible /v1 is often configured with this type.
	Mistral Type = "mistralai"
	// AzureOpenAI is Azure OpenAI: one deployment per model, an api-key
	// header and an api-version query parameter.
	AzureOpenAI Type = "azureopenai"
	// Ollama is Ollama's native API (/api/chat, NDJSON streams), which
	// unlike its /v1 API lets a request set the context size.
	Ollama Type = "ollama"
)

// Defaults suited to a model served on a CPU, where the first token of a
// long prompt can take minutes.
const (
	DefaultConnectTimeout    = 10 * time.Second
	DefaultFirstTokenTimeout = 120 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultTotalTimeout      = 10 * time.Minute
	DefaultMaxRetries        = 2
	DefaultMaxConcurrent     = 4
	DefaultAzureAPIVersion   = "2024-10-21"
)

// Config says which provider to reach and how patiently. The zero value of
// every optional field means its default.
type Config struct {
	// Type is the wire format; required.
	Type Type
	// Endpoint is the provider's base URL. With or without a trailing
	// slash or /v1 it reaches the right URL for its type; empty means the
	// provider's public default (Ollama: http://localhost:11434). Azure
	// needs its resource URL, https://NAME.openai.azure.com.
	Endpoint string
	// Model is the model name (Azure: the deployment name); required.
	// A native Ollama model without a tag means its :latest tag.
	Model string
	// Token is the API key. Empty or "none" sends no credentials, which
	// is what a local Ollama expects.
	Token string
	// APIVersion is Azure's api-version; default DefaultAzureAPIVersion.
	APIVersion string

	// ConnectTimeout bounds reaching the server (TCP and TLS).
	ConnectTimeout time.Duration
	// FirstTokenTimeout bounds the wait from sending a chat request to
	// its first generated text, which includes the prompt's processing.
	FirstTokenTimeout time.Duration
	// IdleTimeout bounds the silence between two stream frames once
	// text has started to flow.
	IdleTimeout time.Duration
	// TotalTimeout bounds a whole call, queueing and retries included.
	TotalTimeout time.Duration

	// MaxRetries is how many times a request is retried after a 408, 429
	// or 5xx answer; 0 means DefaultMaxRetries and a negative value none.
	MaxRetries int
	// RetryBaseDelay is the first backoff delay, doubled at each retry
	// and jittered; default 500ms.
	RetryBaseDelay time.Duration
	// RetryMaxDelay caps one backoff wait, Retry-After included: a
	// provider asking for a longer wait gets a RateLimited error instead;
	// default 30s.
	RetryMaxDelay time.Duration
	// MaxConcurrent is how many chats and embeddings run at once through
	// this client; more queue (until their context ends) rather than
	// overload a local GPU. 0 means DefaultMaxConcurrent.
	MaxConcurrent int
	// Limiter, if set, replaces the client's own semaphore of
	// MaxConcurrent slots: every chat and embedding holds one of its slots
	// while it runs. Clients (in one process or several) that share a
	// Limiter share its limit. MaxConcurrent still sizes the client's idle
	// HTTP connections.
	Limiter Limiter

	// HTTPClient, if set, sends the requests (for tests and custom TLS).
	// Its own Timeout must stay 0: a stream outlives any fixed timeout.
	HTTPClient *http.Client
}

// ConfigError reports a Config that cannot work.
type ConfigError struct {
	Field  string // the Config field at fault
	Reason string // why, in plain words
}

// Error says which field is wrong and why.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("llm: config %s: %s", e.Field, e.Reason)
}

// withDefaults returns cfg with defaults filled and names normalised.
func (cfg Config) withDefaults() Config {
	cfg.Type = Type(strings.ToLower(strings.TrimSpace(string(cfg.Type))))
	cfg.Model = strings.TrimSpace(cfg.Model)
	cfg.Token = strings.TrimSpace(cfg.Token)
	if cfg.Type == Ollama && cfg.Model != "" && !strings.Contains(lastPathElem(cfg.Model), ":") {
		cfg.Model += ":latest"
	}
	if cfg.Type == AzureOpenAI && cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAzureAPIVersion
	}
	setDefault(&cfg.ConnectTimeout, DefaultConnectTimeout)
	setDefault(&cfg.FirstTokenTimeout, DefaultFirstTokenTimeout)
	setDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	setDefault(&cfg.TotalTimeout, DefaultTotalTimeout)
	setDefault(&cfg.RetryBaseDelay, 500*time.Millisecond)
	setDefault(&cfg.RetryMaxDelay, 30*time.Second)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	return cfg
}

func setDefault(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

// lastPathElem returns what follows the last slash, so that the port-like
// colon of "registry:5000/library/model" is not taken for a tag.
func lastPathElem(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}

// validate reports the first field that cannot work.
func (cfg Config) validate() error {
	switch cfg.Type {
	case OpenAI, Mistral, AzureOpenAI, Ollama:
	case "":
		return &ConfigError{Field: "Type", Reason: "empty; want openai, mistralai, azureopenai or ollama"}
	default:
		return &ConfigError{
			Field:  "Type",
			Reason: fmt.Sprintf("unknown type %q; want openai, mistralai, azureopenai or ollama", cfg.Type),
		}
	}
	if cfg.Model == "" {
		return &ConfigError{Field: "Model", Reason: "empty"}
	}
	if cfg.Type == AzureOpenAI && strings.TrimSpace(cfg.Endpoint) == "" {
		return &ConfigError{
			Field:  "Endpoint",
			Reason: "Azure OpenAI needs the resource URL, https://NAME.openai.azure.com",
		}
	}
	if cfg.HTTPClient != nil && cfg.HTTPClient.Timeout != 0 {
		return &ConfigError{Field: "HTTPClient", Reason: "its Timeout must be 0; use the Config timeouts"}
	}
	return nil
}

// hasToken reports whether the token is a real credential; "none" is the
// placeholder OpenCTI users write for a local Ollama.
func (cfg Config) hasToken() bool {
	return cfg.Token != "" && !strings.EqualFold(cfg.Token, "none")
}

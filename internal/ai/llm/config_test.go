package llm

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestChatURL(t *testing.T) {
	tests := []struct {
		name     string
		typ      Type
		endpoint string
		model    string
		want     string
	}{
		{"Mistral's endpoint as OpenCTI users write it gains /v1", Mistral, "https://api.mistral.ai/", "m", "https://api.mistral.ai/v1/chat/completions"},
		{"an endpoint without trailing slash gains /v1", Mistral, "https://api.mistral.ai", "m", "https://api.mistral.ai/v1/chat/completions"},
		{"an endpoint with /v1 keeps a single /v1", Mistral, "https://api.mistral.ai/v1", "m", "https://api.mistral.ai/v1/chat/completions"},
		{"an endpoint with /v1/ keeps a single /v1", Mistral, "https://api.mistral.ai/v1/", "m", "https://api.mistral.ai/v1/chat/completions"},
		{"a doubled /v1 collapses into one", Mistral, "https://api.mistral.ai/v1/v1", "m", "https://api.mistral.ai/v1/chat/completions"},
		{"a pasted operation URL is reduced to its root", OpenAI, "https://api.openai.com/v1/chat/completions", "m", "https://api.openai.com/v1/chat/completions"},
		{"an empty Mistral endpoint means Mistral's public API", Mistral, "", "m", "https://api.mistral.ai/v1/chat/completions"},
		{"an empty OpenAI endpoint means OpenAI's public API", OpenAI, "", "m", "https://api.openai.com/v1/chat/completions"},
		{"Ollama behind the Docker bridge with type mistralai reaches its /v1", Mistral, "http://172.17.0.1:11434", "mistral:instruct", "http://172.17.0.1:11434/v1/chat/completions"},
		{"a proxy path keeps its prefix before /v1", OpenAI, "http://localhost:8000/llm/", "m", "http://localhost:8000/llm/v1/chat/completions"},
		{"a vendor root that names its own version is kept", OpenAI, "https://generativelanguage.googleapis.com/v1beta/openai/", "m", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"},
		{"an empty native Ollama endpoint means the local default", Ollama, "", "tiny", "http://localhost:11434/api/chat"},
		{"native Ollama drops a /v1 suffix", Ollama, "http://127.0.0.1:11434/v1/", "tiny", "http://127.0.0.1:11434/api/chat"},
		{"native Ollama drops an /api suffix", Ollama, "http://127.0.0.1:11434/api", "tiny", "http://127.0.0.1:11434/api/chat"},
		{"Azure addresses the deployment with the default api-version", AzureOpenAI, "https://acme.openai.azure.com/", "gpt4o-prod", "https://acme.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"},
		{"a pasted Azure URL gives its api-version", AzureOpenAI, "https://acme.openai.azure.com/openai/deployments/x/chat/completions?api-version=2024-06-01", "gpt4o-prod", "https://acme.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-06-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{Type: tt.typ, Endpoint: tt.endpoint, Model: tt.model})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.ChatURL(); got != tt.want {
				t.Errorf("ChatURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestModelNormalisation(t *testing.T) {
	tests := []struct {
		name  string
		typ   Type
		model string
		want  string
	}{
		{"a native Ollama model without a tag means :latest", Ollama, "tiny", "tiny:latest"},
		{"a native Ollama model with a tag is kept", Ollama, "mistral:instruct", "mistral:instruct"},
		{"a registry port is not taken for a tag", Ollama, "registry:5000/lib/model", "registry:5000/lib/model:latest"},
		{"an OpenAI-compatible model name is sent as written", Mistral, "mistral", "mistral"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{Type: tt.typ, Model: tt.model})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Config().Model; got != tt.want {
				t.Errorf("Model = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"an empty type is rejected", Config{Model: "m"}, "Type"},
		{"an unknown type is rejected", Config{Type: "anthropic", Model: "m"}, "Type"},
		{"an empty model is rejected", Config{Type: OpenAI}, "Model"},
		{"Azure without its resource URL is rejected", Config{Type: AzureOpenAI, Model: "d"}, "Endpoint"},
		{"an endpoint without scheme is rejected", Config{Type: Mistral, Model: "m", Endpoint: "172.17.0.1:11434"}, "Endpoint"},
		{"an HTTP client with its own timeout is rejected", Config{Type: OpenAI, Model: "m", HTTPClient: &http.Client{Timeout: time.Second}}, "HTTPClient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("New() error = %v, want ConfigError on %s", err, tt.field)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := New(Config{Type: "  MistralAI ", Model: "m", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if cfg.Type != Mistral || cfg.ConnectTimeout != DefaultConnectTimeout || cfg.FirstTokenTimeout != DefaultFirstTokenTimeout ||
		cfg.IdleTimeout != DefaultIdleTimeout || cfg.TotalTimeout != DefaultTotalTimeout || cfg.MaxRetries != 0 ||
		cfg.MaxConcurrent != DefaultMaxConcurrent {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

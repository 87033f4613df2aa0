package llm

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

func (s situation) wrongEndpoint() Diagnosis {
	u := s.e.URL
	switch {
	case strings.Contains(u, "/v1/v1"):
		return Diagnosis{Problem: "The request went to a URL with /v1 twice: " + u + ".",
			Fix: "Remove /v1 from the end of the AI endpoint."}
	case s.cfg.Type == Ollama:
		return Diagnosis{
			Problem: "The server at " + s.hostPort() + " has no Ollama API (" + u + " is not found).",
			Fix:     "If it is an OpenAI-compatible server, set the AI type to openai (or mistralai for Mistral's API).",
		}
	case s.port == "11434":
		return Diagnosis{Problem: "This Ollama has no OpenAI-compatible API at " + u + ".",
			Fix: "Upgrade Ollama, or set the AI type to ollama to use its native API."}
	}
	return Diagnosis{Problem: "The server has no API at " + u + ".",
		Fix: "Check the AI endpoint and type: openai and mistralai add /v1/chat/completions to the endpoint, ollama uses /api/chat at the server root, azureopenai needs https://NAME.openai.azure.com."}
}

func (s situation) timeout() Diagnosis {
	c := s.cfg
	switch s.e.Timeout {
	case TimeoutConnect:
		return Diagnosis{
			Problem: fmt.Sprintf("Could not connect to %s within %s.", s.hostPort(), c.ConnectTimeout),
			Fix:     "The host is down or a firewall silently drops the traffic; check the address and the firewall.",
		}
	case TimeoutFirstToken:
		return Diagnosis{Problem: fmt.Sprintf("The model gave no answer within %s.", c.FirstTokenTimeout),
			Fix: "A model on a CPU can need minutes for a long prompt: raise the first-token timeout, use a smaller model or a shorter input, and check that the server is not busy with other requests."}
	case TimeoutIdle:
		return Diagnosis{
			Problem: fmt.Sprintf(
				"The reply stalled: no data for %s between two pieces of text.",
				c.IdleTimeout,
			),
			Fix: "The server is overloaded or a proxy buffers the stream; check the server's load and disable response buffering on proxies.",
		}
	case TimeoutTotal:
		return Diagnosis{
			Problem: fmt.Sprintf("The call took longer than the total timeout of %s.", c.TotalTimeout),
			Fix:     "Raise the total timeout, ask for a shorter reply, or use a faster model.",
		}
	case TimeoutServer:
		return Diagnosis{Problem: "The provider gave up waiting for the request (HTTP 408).",
			Fix: "Retry; if it persists, check the network between Tipster and the provider."}
	}
	return Diagnosis{Problem: "The caller's deadline passed before the provider answered.",
		Fix: "Allow the operation more time."}
}

// answered explains failures where the provider did answer.
func (s situation) answered() Diagnosis {
	e := s.e
	switch e.Kind {
	case KindRateLimited:
		wait := ""
		if e.RetryAfter > 0 {
			wait = fmt.Sprintf(" It asked to wait %s.", e.RetryAfter.Round(time.Second))
		}
		return Diagnosis{Problem: "The provider is limiting how fast requests may come (HTTP 429)." + wait,
			Fix: "Wait and try again, lower the AI concurrency, or raise the account's rate limits."}
	case KindQuotaExhausted:
		return Diagnosis{Problem: "The provider account is out of quota or credit.",
			Fix: "Add credit or raise the usage limit in the provider's console; retrying will not help."}
	case KindContextTooLong:
		return Diagnosis{Problem: "The input is longer than the model's context window.",
			Fix: "Send less text or use a model with a longer context."}
	case KindBadRequest:
		return s.badRequest()
	case KindServer:
		return Diagnosis{Problem: fmt.Sprintf("The provider failed with HTTP %d.", e.Status),
			Fix: "Try again later; check the provider's status page, or the model server's log if it is yours."}
	case KindProtocol:
		return Diagnosis{Problem: "The answer was not a valid reply stream: " + e.Message + ".",
			Fix: "A proxy may buffer, cut or rewrite the stream (an HTML page means a proxy or login page answered); check that the AI type matches the server."}
	case KindCanceled:
		return Diagnosis{Problem: "The request was canceled before it finished."}
	}
	return Diagnosis{Problem: e.Error()}
}

func (s situation) badRequest() Diagnosis {
	if strings.Contains(s.e.Message, "extra_forbidden") || strings.Contains(s.e.Message, "Extra inputs") {
		return Diagnosis{Problem: "The server's strict schema rejected a field of the request.",
			Fix: "Set the AI type to mistralai, which sends only the fields Mistral accepts."}
	}
	return Diagnosis{Problem: "The provider rejected the request: " + s.e.Message,
		Fix: "Check the model's parameters (maximum tokens, temperature) against the provider's documentation."}
}

// typeMismatch spots a type that cannot fit a well-known endpoint.
func typeMismatch(cfg Config) string {
	u, err := url.Parse(strings.TrimSpace(cfg.Endpoint))
	if err != nil {
		return ""
	}
	h := u.Hostname()
	switch {
	case h == "api.mistral.ai" && cfg.Type != Mistral:
		return "The endpoint is Mistral's API: set the AI type to mistralai."
	case h == "api.openai.com" && cfg.Type != OpenAI:
		return "The endpoint is OpenAI's API: set the AI type to openai."
	case strings.HasSuffix(h, ".openai.azure.com") && cfg.Type != AzureOpenAI:
		return "The endpoint is an Azure OpenAI resource: set the AI type to azureopenai."
	case cfg.Type == AzureOpenAI && h != "" && !strings.Contains(h, "azure"):
		return "The AI type is azureopenai but the endpoint is not an Azure host."
	}
	return ""
}

// detail is the technical line for logs.
func detail(e *Error) string {
	var parts []string
	if e.URL != "" {
		parts = append(parts, "url="+e.URL)
	}
	if e.Status != 0 {
		parts = append(parts, fmt.Sprintf("status=%d", e.Status))
	}
	if e.Code != "" {
		parts = append(parts, "code="+e.Code)
	}
	if e.Message != "" {
		parts = append(parts, "message="+quote(e.Message))
	}
	if e.Err != nil {
		parts = append(parts, "cause="+quote(e.Err.Error()))
	}
	return strings.Join(parts, " ")
}

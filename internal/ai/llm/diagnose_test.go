package llm

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestDiagnose(t *testing.T) {
	ollamaBridge := Config{Type: Mistral, Endpoint: "http://172.17.0.1:11434", Model: "mistral:instruct", Token: "none"}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	tests := []struct {
		name        string
		cfg         Config
		err         error
		container   bool
		wantKind    ErrorKind
		wantProblem string
		wantFix     []string
	}{
		{"nothing at the Docker bridge explains what 172.17.0.1 is and how to listen on it", ollamaBridge,
			&Error{Kind: KindUnreachable, URL: "http://172.17.0.1:11434/v1/chat/completions", Err: refused}, true, KindUnreachable,
			"Nothing answered at 172.17.0.1:11434, the Docker bridge gateway, which is the host as a container sees it.",
			[]string{"OLLAMA_HOST=0.0.0.0", "http://ollama:11434", "host.docker.internal"}},
		{"localhost inside a container is the container itself",
			Config{Type: Ollama, Endpoint: "http://localhost:11434", Model: "tiny"},
			&Error{Kind: KindUnreachable, URL: "http://localhost:11434/api/chat", Err: refused}, true, KindUnreachable,
			`Nothing answered at localhost:11434. Tipster runs in a container, where "localhost" is the container itself, not the host.`,
			[]string{"host.docker.internal:11434", "host-gateway"}},
		{"localhost on a host says to start Ollama",
			Config{Type: Ollama, Model: "tiny"},
			&Error{Kind: KindUnreachable, URL: "http://localhost:11434/api/chat", Err: refused}, false, KindUnreachable,
			"Nothing is listening at localhost:11434.", []string{"ollama serve"}},
		{"a host name that does not resolve says so",
			Config{Type: Ollama, Endpoint: "http://olama:11434", Model: "tiny"},
			&Error{Kind: KindUnreachable, URL: "http://olama:11434/api/chat", Err: &net.DNSError{Name: "olama", Err: "no such host", IsNotFound: true}}, true, KindUnreachable,
			`The host name "olama" does not resolve.`, []string{"service name"}},
		{"a model Ollama lacks gives the exact pull command", ollamaBridge,
			&Error{Kind: KindModelNotFound, Status: 404, Message: `model "mistral:instruct" not found, try pulling it first`}, false, KindModelNotFound,
			`Ollama has no model "mistral:instruct".`, []string{"`ollama pull mistral:instruct`", "docker exec -it ollama ollama pull mistral:instruct"}},
		{"an untagged native model is pulled by its plain name",
			Config{Type: Ollama, Model: "llama3.2"},
			&Error{Kind: KindModelNotFound, Status: 404}, false, KindModelNotFound,
			`Ollama has no model "llama3.2:latest".`, []string{"`ollama pull llama3.2`"}},
		{"an Azure deployment that does not exist points at deployment names",
			Config{Type: AzureOpenAI, Endpoint: "https://acme.openai.azure.com", Model: "gpt-4o"},
			&Error{Kind: KindModelNotFound, Status: 404, Code: "DeploymentNotFound"}, false, KindModelNotFound,
			`This Azure OpenAI resource has no deployment named "gpt-4o".`, []string{"deployment's name"}},
		{"a cloud provider without a key says a key is needed",
			Config{Type: Mistral, Endpoint: "https://api.mistral.ai/", Model: "open-mistral-7b", Token: "none"},
			&Error{Kind: KindAuth, Status: 401, URL: "https://api.mistral.ai/v1/chat/completions"}, false, KindAuth,
			`The provider at api.mistral.ai needs an API key and none is set.`, []string{"API key"}},
		{"a wrong key says to check it",
			Config{Type: Mistral, Endpoint: "https://api.mistral.ai/", Model: "open-mistral-7b", Token: "sk-x"},
			&Error{Kind: KindAuth, Status: 401}, false, KindAuth,
			"The provider rejected the API key.", []string{"without quotes or spaces"}},
		{"a doubled /v1 says to remove one",
			Config{Type: OpenAI, Endpoint: "http://h:8000/v1", Model: "m"},
			&Error{Kind: KindWrongEndpoint, Status: 404, URL: "http://h:8000/v1/v1/chat/completions"}, false, KindWrongEndpoint,
			"The request went to a URL with /v1 twice: http://h:8000/v1/v1/chat/completions.", []string{"Remove /v1"}},
		{"a native Ollama type pointed at another server suggests openai",
			Config{Type: Ollama, Endpoint: "http://h:8000", Model: "m"},
			&Error{Kind: KindWrongEndpoint, Status: 404, URL: "http://h:8000/api/chat"}, false, KindWrongEndpoint,
			"The server at h:8000 has no Ollama API (http://h:8000/api/chat is not found).", []string{"AI type to openai"}},
		{"the wrong type for a well-known endpoint is named",
			Config{Type: OpenAI, Endpoint: "https://api.mistral.ai/", Model: "open-mistral-7b", Token: "k"},
			&Error{Kind: KindModelNotFound, Status: 404}, false, KindModelNotFound,
			`The provider has no model "open-mistral-7b", or this key may not use it.`, []string{"set the AI type to mistralai"}},
		{"a slow CPU model's first-token timeout names the duration",
			Config{Type: Ollama, Model: "m", FirstTokenTimeout: 90 * time.Second},
			&Error{Kind: KindTimeout, Timeout: TimeoutFirstToken}, false, KindTimeout,
			"The model gave no answer within 1m30s.", []string{"raise the first-token timeout"}},
		{"an idle stream names the proxy buffering case",
			Config{Type: Ollama, Model: "m"},
			&Error{Kind: KindTimeout, Timeout: TimeoutIdle}, false, KindTimeout,
			"The reply stalled: no data for 1m0s between two pieces of text.", []string{"buffering"}},
		{"exhausted quota says retrying will not help",
			Config{Type: OpenAI, Model: "gpt-4o"},
			&Error{Kind: KindQuotaExhausted, Status: 429, Code: "insufficient_quota"}, false, KindQuotaExhausted,
			"The provider account is out of quota or credit.", []string{"retrying will not help"}},
		{"a rate limit repeats the requested wait",
			Config{Type: OpenAI, Model: "gpt-4o"},
			&Error{Kind: KindRateLimited, Status: 429, RetryAfter: 20 * time.Second}, false, KindRateLimited,
			"The provider is limiting how fast requests may come (HTTP 429). It asked to wait 20s.", []string{"lower the AI concurrency"}},
		{"a config error names the setting",
			Config{}, &ConfigError{Field: "Model", Reason: "empty"}, false, KindUnknown,
			"The AI settings are incomplete: Model is empty.", []string{"AI model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := inContainer
			inContainer = func() bool { return tt.container }
			defer func() { inContainer = old }()
			d := Diagnose(tt.cfg, tt.err)
			if d.Kind != tt.wantKind || d.Problem != tt.wantProblem {
				t.Errorf("Diagnose = %v %q\nwant        %v %q", d.Kind, d.Problem, tt.wantKind, tt.wantProblem)
			}
			for _, w := range tt.wantFix {
				if !strings.Contains(d.Fix, w) {
					t.Errorf("Fix %q lacks %q", d.Fix, w)
				}
			}
		})
	}
}

func TestDiagnoseNil(t *testing.T) {
	if d := Diagnose(Config{}, nil); d != (Diagnosis{}) {
		t.Errorf("Diagnose(nil) = %+v", d)
	}
}

package llm

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		name string
		body string
		want providerError
	}{
		{"OpenAI's nested error", `{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}`,
			providerError{Code: "invalid_api_key", Message: "Incorrect API key"}},
		{"OpenAI's nested error without code falls back to its type", `{"error":{"message":"quota","type":"insufficient_quota","code":null}}`,
			providerError{Code: "insufficient_quota", Message: "quota"}},
		{"Ollama's error string", `{"error":"model \"x\" not found, try pulling it first"}`,
			providerError{Message: `model "x" not found, try pulling it first`}},
		{"Mistral's flat error with a numeric-string code", `{"object":"error","message":"Invalid model: x","type":"invalid_model","param":null,"code":"1500"}`,
			providerError{Code: "1500", Message: "Invalid model: x"}},
		{"Mistral's flat error with a numeric code", `{"object":"error","message":"bad","type":"invalid_request_error","code":3001}`,
			providerError{Code: "3001", Message: "bad"}},
		{"Mistral's 422 with pydantic details nested in message",
			`{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true}]},"type":"invalid_request_error","param":null,"code":null}`,
			providerError{Code: "invalid_request_error", Message: "body.stream_options.include_usage: Extra inputs are not permitted"}},
		{"a FastAPI detail string", `{"detail":"Not authenticated"}`, providerError{Message: "Not authenticated"}},
		{"a gateway's bare message", `{"message":"Unauthorized","request_id":"abc"}`, providerError{Message: "Unauthorized"}},
		{"an HTML page gives its title", "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", providerError{Message: "502 Bad Gateway"}},
		{"an HTML fragment without title gives its text", "<h1>Service   Unavailable</h1>", providerError{Message: "Service Unavailable"}},
		{"plain text is kept", "upstream connect error\n", providerError{Message: "upstream connect error"}},
		{"an empty body gives nothing", "", providerError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseErrorBody([]byte(tt.body)), cmp.AllowUnexported(providerError{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestKindForStatus(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   string
		msg    string
		want   ErrorKind
	}{
		{"OpenAI's insufficient_quota under 429 is exhausted quota", 429, "insufficient_quota", "You exceeded your current quota", KindQuotaExhausted},
		{"a Mistral usage limit is exhausted quota", 429, "1300", "You have reached your monthly usage limit", KindQuotaExhausted},
		{"a plain 429 is a rate limit", 429, "1300", "Rate limit exceeded", KindRateLimited},
		{"OpenAI's context_length_exceeded is a long context", 400, "context_length_exceeded", "This model's maximum context length is 8192 tokens", KindContextTooLong},
		{"Mistral's invalid_model under 400 is a missing model", 400, "1500", "Invalid model: x", KindModelNotFound},
		{"Azure's DeploymentNotFound is a missing model", 404, "DeploymentNotFound", "The API deployment for this resource does not exist", KindModelNotFound},
		{"a 404 that is not about a model is a wrong endpoint", 404, "", "404 page not found", KindWrongEndpoint},
		{"a 403 is auth", 403, "", "forbidden", KindAuth},
		{"a 408 is a server-side timeout", 408, "", "Request Timeout", KindTimeout},
		{"a 503 is a server error", 503, "", "Service Unavailable", KindServer},
		{"a 422 is a bad request", 422, "", "body.n: Extra inputs are not permitted", KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindForStatus(tt.status, tt.code, tt.msg); got != tt.want {
				t.Errorf("kind = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"an HTTP date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{"a date in the past means no wait", http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{"Azure's milliseconds win", http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"1500"}}, 1500 * time.Millisecond},
		{"garbage means no wait", http.Header{"Retry-After": {"soon"}}, 0},
		{"nothing means no wait", http.Header{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTransportFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	notInContainer(t)
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()

	tests := []struct {
		name     string
		endpoint string
		want     ErrorKind
		problem  string
	}{
		{"a closed port is unreachable", "http://" + closedAddr, KindUnreachable, "Nothing answered at " + closedAddr + "."},
		{"an untrusted certificate is a TLS error", tlsSrv.URL, KindTLS, "The server's certificate is signed by an authority this machine does not trust."},
		{"https to a plain HTTP server is a TLS error", "https://" + plain.Listener.Addr().String(), KindTLS, "The endpoint says https:// but the server speaks plain HTTP."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Type: OpenAI, Endpoint: tt.endpoint, Model: "m", MaxRetries: -1}
			c, _ := newTestClient(t, cfg)
			_, _, err := chatCollect(context.Background(), c, hello())
			wantError(t, err, tt.want)
			if d := Diagnose(cfg, err); d.Problem != tt.problem {
				t.Errorf("Problem = %q, want %q", d.Problem, tt.problem)
			}
		})
	}
}

// A TLS server the client trusts works: custom TLS goes through HTTPClient.
func TestCustomTLSThroughHTTPClient(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	}))
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.MinVersion = tls.VersionTLS12
	c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: "m", HTTPClient: &http.Client{Transport: tr}})
	resp, _, err := chatCollect(context.Background(), c, hello())
	if err != nil || resp.Text != "ok" {
		t.Fatalf("text %q, err %v", resp.Text, err)
	}
}

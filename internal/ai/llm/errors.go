package llm

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrorKind says what went wrong, in terms a caller can act on.
type ErrorKind int

// The kinds of failure. KindUnknown is never produced by this package for a
// provider's answer; it is the kind of errors that are not *Error.
const (
	KindUnknown        ErrorKind = iota
	KindUnreachable              // no server answered: refused, no route, name not found
	KindTLS                      // the TLS handshake failed or the server speaks plain HTTP
	KindAuth                     // 401 or 403: token missing, wrong or not allowed
	KindModelNotFound            // the server does not have the model (or Azure deployment)
	KindWrongEndpoint            // the server has no such API path: wrong type or path
	KindRateLimited              // 429 that a later retry can get past
	KindQuotaExhausted           // out of credit or over a hard usage limit: retrying will not help
	KindContextTooLong           // the prompt is longer than the model's context
	KindTimeout                  // one of the timeouts fired; Error.Timeout says which
	KindBadRequest               // the provider rejected the request itself
	KindServer                   // 5xx from the provider or a proxy in front of it
	KindProtocol                 // 200 but no valid stream: error frame, cut, garbage
	KindCanceled                 // the caller's context was canceled
)

var kindNames = [...]string{"unknown", "unreachable", "tls", "auth", "model not found", "wrong endpoint",
	"rate limited", "quota exhausted", "context too long", "timeout", "bad request", "server error",
	"protocol", "canceled"}

// String names the kind in lower-case words, as used in Error texts.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// TimeoutPhase names which timeout fired.
type TimeoutPhase string

// The timeouts.
const (
	TimeoutConnect    TimeoutPhase = "connect"     // Config.ConnectTimeout
	TimeoutFirstToken TimeoutPhase = "first token" // Config.FirstTokenTimeout
	TimeoutIdle       TimeoutPhase = "idle"        // Config.IdleTimeout
	TimeoutTotal      TimeoutPhase = "total"       // Config.TotalTimeout
	TimeoutDeadline   TimeoutPhase = "deadline"    // the caller's context deadline
	TimeoutServer     TimeoutPhase = "server"      // the provider answered 408
)

// Error is a failed call to a provider.
type Error struct {
	Kind       ErrorKind
	Timeout    TimeoutPhase  // which timeout, when Kind is KindTimeout
	Status     int           // HTTP status, 0 when none was received
	Code       string        // the provider's error code or type, e.g. "insufficient_quota"
	Message    string        // the provider's own text, for logs and diagnosis, never for end users
	URL        string        // the URL that was requested
	Retries    int           // how many retries were made before giving up
	Delta      bool          // whether some text had been delivered before the failure
	RetryAfter time.Duration // how long the provider asked to wait, 0 if it did not say
	Err        error         // the underlying error, if any
}

// Error reads "llm: KIND[ (TIMEOUT)][: HTTP STATUS][: MESSAGE][: CAUSE]".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("llm: ")
	b.WriteString(e.Kind.String())
	if e.Kind == KindTimeout && e.Timeout != "" {
		b.WriteString(" (" + string(e.Timeout) + ")")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err if it is or wraps an *Error, else
// KindUnknown.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// retryable reports whether another attempt may succeed.
func (e *Error) retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindServer:
		return true
	case KindTimeout:
		return e.Timeout == TimeoutServer
	}
	return false
}

// kindForStatus classifies an HTTP error answer from its status and the
// provider's code and message.
func kindForStatus(status int, code, msg string) ErrorKind {
	lc, lm := strings.ToLower(code), strings.ToLower(msg)
	switch {
	case isQuota(lc, lm):
		return KindQuotaExhausted
	case isContextTooLong(lc, lm):
		return KindContextTooLong
	case isModelMissing(lc, lm):
		return KindModelNotFound
	case status == 401 || status == 403:
		return KindAuth
	case status == 404 || status == 405:
		return KindWrongEndpoint
	case status == 408:
		return KindTimeout
	case status == 429:
		return KindRateLimited
	case status >= 500:
		return KindServer
	default:
		return KindBadRequest
	}
}

func isQuota(code, msg string) bool {
	return code == "insufficient_quota" || code == "billing_hard_limit_reached" ||
		strings.Contains(msg, "exceeded your current quota") || strings.Contains(msg, "usage limit") ||
		strings.Contains(msg, "insufficient credit") || strings.Contains(msg, "billing")
}

func isContextTooLong(code, msg string) bool {
	return code == "context_length_exceeded" || strings.Contains(msg, "maximum context length") ||
		strings.Contains(msg, "context length exceeded") || strings.Contains(msg, "too large for model")
}

// isModelMissing recognises OpenAI's model_not_found, Mistral's
// invalid_model (code 1500), Azure's DeploymentNotFound and Ollama's
// `model "x" not found, try pulling it first`.
func isModelMissing(code, msg string) bool {
	switch code {
	case "model_not_found", "invalid_model", "1500", "deploymentnotfound":
		return true
	}
	return strings.Contains(msg, "model") &&
		(strings.Contains(msg, "not found") || strings.Contains(msg, "does not exist") || strings.Contains(msg, "invalid model"))
}

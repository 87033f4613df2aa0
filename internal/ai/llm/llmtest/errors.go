package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errorBody returns the status and body each dialect sends for a fault.
func (s *Server) errorBody(k FaultKind) (int, any) {
	status := map[FaultKind]int{Unauthorized: 401, RateLimited: 429, QuotaExhausted: 429, ServerError: 500}[k]
	switch s.opts.Dialect {
	case Mistral:
		return status, mistralError(k)
	case Ollama:
		return status, map[string]string{"error": ollamaText[k]}
	case Azure:
		return status, map[string]any{
			"error": map[string]string{"code": fmt.Sprint(status), "message": azureText[k]},
		}
	default:
		return status, openaiError(k)
	}
}

var ollamaText = map[FaultKind]string{
	Unauthorized:   "unauthorized",
	RateLimited:    "server busy, please try again. maximum pending requests exceeded",
	QuotaExhausted: "usage limit reached",
	ServerError:    "llama runner process has terminated: exit status 2",
}

var azureText = map[FaultKind]string{
	Unauthorized:   "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
	RateLimited:    "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 2 seconds.",
	QuotaExhausted: "You exceeded your current quota, please check your plan and billing details.",
	ServerError:    "The server had an error while processing your request. Sorry about that!",
}

// openaiError is OpenAI's nested error object.
func openaiError(k FaultKind) any {
	e := map[FaultKind][3]string{
		Unauthorized:   {"Incorrect API key provided: sk-test****. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"},
		RateLimited:    {"Rate limit reached for requests. Please try again in 1s.", "requests", "rate_limit_exceeded"},
		QuotaExhausted: {"You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota"},
		ServerError:    {"The server had an error while processing your request. Sorry about that!", "server_error", ""},
	}[k]
	return map[string]any{
		"error": map[string]any{"message": e[0], "type": e[1], "param": nil, "code": nullable(e[2])},
	}
}

// mistralError is Mistral's flat error object; its 401 comes from the API
// gateway and has a different shape.
func mistralError(k FaultKind) any {
	switch k {
	case Unauthorized:
		return map[string]string{"message": "Unauthorized", "request_id": "0123456789abcdef"}
	case RateLimited:
		return flat("Rate limit exceeded", "rate_limited", "1300")
	case QuotaExhausted:
		return flat("You have reached your monthly usage limit", "invalid_request_error", "1300")
	default:
		return flat("Service unavailable.", "internal_server_error", "1000")
	}
}

func flat(msg, typ, code string) map[string]any {
	return map[string]any{
		"object":  "error",
		"message": msg,
		"type":    typ,
		"param":   nil,
		"code":    nullable(code),
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// modelMissing answers a request for a model the fake does not have.
func (s *Server) modelMissing(w http.ResponseWriter, model string, openaiShape bool) {
	switch {
	case s.opts.Dialect == Mistral:
		writeJSON(w, 400, flat("Invalid model: "+model, "invalid_model", "1500"))
	case s.opts.Dialect == Azure:
		writeJSON(w, 404, map[string]any{"error": map[string]string{"code": "DeploymentNotFound",
			"message": "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}})
	case s.opts.Dialect == Ollama && openaiShape:
		writeJSON(
			w,
			404,
			map[string]any{
				"error": map[string]any{
					"message": fmt.Sprintf("model %q not found, try pulling it first", model),
					"type":    "api_error",
					"param":   nil,
					"code":    nil,
				},
			},
		)
	case s.opts.Dialect == Ollama:
		writeJSON(
			w,
			404,
			map[string]string{"error": fmt.Sprintf("model %q not found, try pulling it first", model)},
		)
	default:
		writeJSON(w, 404, map[string]any{"error": map[string]any{
			"message": fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model),
			"type":    "invalid_request_error", "param": nil, "code": "model_not_found"}})
	}
}

// errorFrame is the frame a dialect sends when it fails mid-stream; sse
// tells Ollama's /v1 stream from its native one.
func (s *Server) errorFrame(sse bool) any {
	switch {
	case s.opts.Dialect == Mistral:
		return flat("Internal server error while generating", "internal_server_error", "3000")
	case s.opts.Dialect == Ollama && !sse:
		return map[string]string{"error": "an error was encountered while running the model: unexpected EOF"}
	default:
		return map[string]any{
			"error": map[string]any{
				"message": "The server had an error while processing your request. Sorry about that!",
				"type":    "server_error",
				"param":   nil,
				"code":    nil,
			},
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// mistralChatFields are the top-level fields Mistral's chat schema
// accepts; anything else gets a 422 extra_forbidden, as from the real API.
var mistralChatFields = fieldSet("model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop",
	"random_seed", "response_format", "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n",
	"safe_prompt", "prediction", "parallel_tool_calls")

var mistralMessageFields = fieldSet("role", "content", "name", "tool_calls", "tool_call_id", "prefix")

var mistralEmbedFields = fieldSet("model", "input", "output_dimension", "output_dtype", "encoding_format")

func fieldSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// chatBody is the part of a chat completions request the fakes read.
type chatBody struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Messages []struct {
		Content string `json:"content"`
	} `json:"messages"`
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	switch s.opts.Dialect {
	case Azure:
		mux.Handle("POST /openai/deployments/{deployment}/chat/completions", s.handler(s.openaiChat))
		mux.Handle("POST /openai/deployments/{deployment}/embeddings", s.handler(s.openaiEmbed))
	case Ollama:
		s.ollamaRoutes(mux)
		fallthrough
	default:
		mux.Handle("POST /v1/chat/completions", s.handler(s.openaiChat))
		mux.Handle("GET /v1/models", s.handler(s.openaiModels))
		mux.Handle("POST /v1/embeddings", s.handler(s.openaiEmbed))
	}
	return mux
}

// strictFields answers 422 like Mistral when body has a field its schema
// does not accept.
func (s *Server) strictFields(w http.ResponseWriter, body []byte, allowed map[string]bool) bool {
	if s.opts.Dialect != Mistral {
		return true
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		writeJSON(w, 400, flat("Invalid JSON body", "invalid_request_error", ""))
		return false
	}
	var bad []any
	for k := range top {
		if !allowed[k] {
			bad = append(
				bad,
				map[string]any{
					"type": "extra_forbidden",
					"loc":  []string{"body", k},
					"msg":  "Extra inputs are not permitted",
				},
			)
		}
	}
	var msgs []map[string]json.RawMessage
	_ = json.Unmarshal(top["messages"], &msgs)
	for i, m := range msgs {
		for k := range m {
			if !mistralMessageFields[k] {
				bad = append(
					bad,
					map[string]any{
						"type": "extra_forbidden",
						"loc":  []any{"body", "messages", i, k},
						"msg":  "Extra inputs are not permitted",
					},
				)
			}
		}
	}
	if len(bad) == 0 {
		return true
	}
	writeJSON(w, 422, map[string]any{"object": "error", "message": map[string]any{"detail": bad},
		"type": "invalid_request_error", "param": nil, "code": nil})
	return false
}

// modelOf returns the model a request names: Azure's deployment from the
// path, otherwise the body's model. An Azure request without api-version
// gets Azure's 404.
func (s *Server) modelOf(w http.ResponseWriter, r *http.Request, bodyModel string) (string, bool) {
	if s.opts.Dialect != Azure {
		return bodyModel, true
	}
	if r.URL.Query().Get("api-version") == "" {
		writeJSON(
			w,
			404,
			map[string]any{"error": map[string]string{"code": "404", "message": "Resource not found"}},
		)
		return "", false
	}
	return r.PathValue("deployment"), true
}

func (s *Server) openaiChat(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	if !s.strictFields(w, body, mistralChatFields) {
		return
	}
	var req chatBody
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, openaiError(ServerError))
		return
	}
	model, ok := s.modelOf(w, r, req.Model)
	if !ok {
		return
	}
	if !s.known(model) {
		s.modelMissing(w, model, true)
		return
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(strings.Fields(m.Content))
	}
	if !req.Stream {
		writeJSON(w, 200, s.completion(model, prompt))
		return
	}
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	s.streamSSE(w, r, model, prompt, includeUsage, f)
}

// completion is a whole non-streamed answer.
func (s *Server) completion(model string, prompt int) any {
	chunks := s.chunks()
	return map[string]any{
		"id":      "chatcmpl-fake",
		"object":  "chat.completion",
		"created": 1700000000,
		"model":   model,
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant",
			"content": strings.Join(chunks, "")}, "finish_reason": "stop"}},
		"usage": usage(prompt, len(chunks)),
	}
}

func usage(prompt, completion int) map[string]int {
	return map[string]int{
		"prompt_tokens":     prompt,
		"completion_tokens": completion,
		"total_tokens":      prompt + completion,
	}
}

// streamSSE streams the reply as chat.completion.chunk events, with each
// dialect's habits: Azure's empty-choices filter chunk first, Mistral's
// usage on its last chunk, OpenAI's usage chunk only when asked for.
func (s *Server) streamSSE(
	w http.ResponseWriter,
	r *http.Request,
	model string,
	prompt int,
	includeUsage bool,
	f Fault,
) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	fl, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000,
			"model": model, "choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	if s.opts.Dialect == Azure {
		send(map[string]any{"id": "", "object": "", "created": 0, "model": "", "choices": []any{},
			"prompt_filter_results": []any{
				map[string]any{"prompt_index": 0, "content_filter_results": map[string]any{}},
			}})
	}
	fmt.Fprint(w, ": keepalive\n\n")
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	chunks := s.chunks()
	for i, c := range chunks {
		if !s.pause(r, i) || s.strike(w, i, f, true) {
			return
		}
		send(chunk(map[string]any{"content": c}, nil))
	}
	if s.strike(w, len(chunks), f, true) {
		return
	}
	last := chunk(map[string]any{}, "stop")
	if s.opts.Dialect == Mistral {
		last["usage"] = usage(prompt, len(chunks))
	}
	send(last)
	if includeUsage {
		u := chunk(nil, nil)
		u["choices"], u["usage"] = []any{}, usage(prompt, len(chunks))
		send(u)
	}
	if !s.opts.OmitDone {
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

// strike applies a mid-stream fault due before chunk i; true means the
// stream is over.
func (s *Server) strike(w http.ResponseWriter, i int, f Fault, sse bool) bool {
	if f.AfterChunks != i {
		return false
	}
	switch f.Kind {
	case CutStream:
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	case ErrorFrame:
		b, _ := json.Marshal(s.errorFrame(sse))
		if sse {
			fmt.Fprintf(w, "data: %s\n\n", b)
		} else {
			fmt.Fprintf(w, "%s\n", b)
		}
		return true
	}
	return false
}

func (s *Server) openaiModels(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	data := make([]any, 0, len(s.opts.Models))
	names := append([]string(nil), s.opts.Models...)
	sort.Strings(names)
	for _, m := range names {
		entry := map[string]any{"id": m, "object": "model", "created": 1700000000, "owned_by": "fake"}
		switch s.opts.Dialect {
		case Mistral:
			entry["max_context_length"] = s.opts.ContextLength
		case Ollama:
			entry["id"], entry["owned_by"] = tagged(m), "library"
		}
		data = append(data, entry)
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data})
}

func (s *Server) openaiEmbed(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	if !s.strictFields(w, body, mistralEmbedFields) {
		return
	}
	var req struct {
		Model string   `json:"model"`
		Input []string `json:"input"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, openaiError(ServerError))
		return
	}
	model, ok := s.modelOf(w, r, req.Model)
	if !ok {
		return
	}
	if !s.known(model) {
		s.modelMissing(w, model, true)
		return
	}
	data := make([]any, len(req.Input))
	for i := len(req.Input) - 1; i >= 0; i-- { // reversed, to check that clients sort by index
		data[len(req.Input)-1-i] = map[string]any{
			"object":    "embedding",
			"index":     i,
			"embedding": s.vector(req.Input[i]),
		}
	}
	writeJSON(
		w,
		200,
		map[string]any{"object": "list", "data": data, "model": model, "usage": usage(len(req.Input), 0)},
	)
}

// vector is a deterministic embedding of text.
func (s *Server) vector(text string) []float32 {
	v := make([]float32, s.opts.EmbeddingDims)
	for i, b := range []byte(text) {
		v[i%len(v)] += float32(b) / 256
	}
	return v
}

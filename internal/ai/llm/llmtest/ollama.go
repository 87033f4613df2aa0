package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

func (s *Server) ollamaRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/chat", s.handler(s.ollamaChat))
	mux.Handle("POST /api/show", s.handler(s.ollamaShow))
	mux.Handle("GET /api/tags", s.handler(s.ollamaTags))
	mux.Handle("POST /api/embed", s.handler(s.ollamaEmbed))
	mux.Handle("GET /api/version", s.handler(func(w http.ResponseWriter, _ *http.Request, _ []byte, _ Fault) {
		writeJSON(w, 200, map[string]string{"version": "0.6.5"})
	}))
}

// ollamaChatBody is the part of an /api/chat request the fake reads.
type ollamaChatBody struct {
	Model    string `json:"model"`
	Stream   *bool  `json:"stream"`
	Messages []struct {
		Content string `json:"content"`
	} `json:"messages"`
}

func (s *Server) ollamaChat(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	var req ollamaChatBody
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid JSON: " + err.Error()})
		return
	}
	if !s.known(req.Model) {
		s.modelMissing(w, req.Model, false)
		return
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(strings.Fields(m.Content))
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(200)
	fl, _ := w.(http.Flusher)
	send := func(v map[string]any) {
		v["model"], v["created_at"] = tagged(
			req.Model,
		), time.Unix(1700000000, 0).
			UTC().
			Format(time.RFC3339Nano)
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "%s\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunks := s.chunks()
	for i, c := range chunks {
		if !s.pause(r, i) || s.strike(w, i, f, false) {
			return
		}
		send(map[string]any{"message": map[string]string{"role": "assistant", "content": c}, "done": false})
	}
	if s.strike(w, len(chunks), f, false) || s.opts.OmitDone {
		return
	}
	send(map[string]any{"message": map[string]string{"role": "assistant", "content": ""}, "done": true,
		"done_reason": "stop", "total_duration": 1000, "prompt_eval_count": prompt, "eval_count": len(chunks)})
}

func (s *Server) ollamaShow(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	var req struct {
		Model string `json:"model"`
		Name  string `json:"name"`
	}
	_ = json.Unmarshal(body, &req)
	if req.Model == "" {
		req.Model = req.Name
	}
	if !s.known(req.Model) {
		writeJSON(w, 404, map[string]string{"error": fmt.Sprintf("model '%s' not found", req.Model)})
		return
	}
	writeJSON(w, 200, map[string]any{
		"modelfile":  "FROM /models/fake.gguf\n",
		"parameters": "stop                           \"</s>\"",
		"template":   "{{ .Prompt }}",
		"details": map[string]any{
			"format":             "gguf",
			"family":             "llama",
			"parameter_size":     "1M",
			"quantization_level": "F16",
		},
		"model_info": map[string]any{"general.architecture": "llama", "general.parameter_count": 1000000,
			"llama.context_length": s.opts.ContextLength, "llama.embedding_length": s.opts.EmbeddingDims},
	})
}

func (s *Server) ollamaTags(w http.ResponseWriter, _ *http.Request, _ []byte, _ Fault) {
	names := append([]string(nil), s.opts.Models...)
	sort.Strings(names)
	models := make([]any, 0, len(names))
	for _, m := range names {
		models = append(models, map[string]any{"name": tagged(m), "model": tagged(m), "size": 1 << 20,
			"details": map[string]string{"family": "llama"}})
	}
	writeJSON(w, 200, map[string]any{"models": models})
}

func (s *Server) ollamaEmbed(w http.ResponseWriter, _ *http.Request, body []byte, _ Fault) {
	var req struct {
		Model string   `json:"model"`
		Input []string `json:"input"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid JSON: " + err.Error()})
		return
	}
	if !s.known(req.Model) {
		s.modelMissing(w, req.Model, false)
		return
	}
	vecs := make([][]float32, len(req.Input))
	for i, in := range req.Input {
		vecs[i] = s.vector(in)
	}
	writeJSON(w, 200, map[string]any{"model": tagged(req.Model), "embeddings": vecs})
}

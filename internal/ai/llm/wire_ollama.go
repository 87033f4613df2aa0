package llm

import (
	"bytes"
	"encoding/json"
)

// ollamaRequest is the body of Ollama's native POST /api/chat.
type ollamaRequest struct {
	Model    string         `json:"model"`
	Messages []Message      `json:"messages"`
	Stream   bool           `json:"stream"`
	Options  *ollamaOptions `json:"options,omitempty"`
}

type ollamaOptions struct {
	NumCtx      int      `json:"num_ctx,omitempty"`
	NumPredict  int      `json:"num_predict,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
}

// ollamaChunk is one NDJSON line of /api/chat; the last has done:true and
// the token counts, and a failure mid-stream is a line {"error":"..."}.
type ollamaChunk struct {
	Model   string `json:"model"`
	Message struct {
		Content string `json:"content"`
	} `json:"message"`
	Done            bool            `json:"done"`
	DoneReason      string          `json:"done_reason"`
	PromptEvalCount int             `json:"prompt_eval_count"`
	EvalCount       int             `json:"eval_count"`
	Error           json.RawMessage `json:"error"`
}

// ndjsonDecoder reads Ollama's native stream.
type ndjsonDecoder struct{ lines *lineReader }

func (d *ndjsonDecoder) next() (frame, error) {
	for {
		line, err := d.lines.next()
		if err != nil {
			return frame{}, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return decodeOllamaFrame(line)
	}
}

func decodeOllamaFrame(line []byte) (frame, error) {
	var ch ollamaChunk
	if err := json.Unmarshal(line, &ch); err != nil {
		return frame{}, protocolError("line is not JSON: "+truncate(string(line)), err)
	}
	if len(ch.Error) > 0 && !bytes.Equal(ch.Error, []byte("null")) {
		pe := parseErrorBody(line)
		return frame{}, &Error{Kind: KindProtocol, Code: pe.Code, Message: "error frame: " + pe.Message}
	}
	f := frame{delta: ch.Message.Content, model: ch.Model}
	if ch.Done {
		f.done = true
		f.finish = ch.DoneReason
		if f.finish == "" {
			f.finish = "stop"
		}
		f.usage = &Usage{PromptTokens: ch.PromptEvalCount, CompletionTokens: ch.EvalCount}
	}
	return f, nil
}

package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// openaiRequest is the chat completions body. Mistral gets the same struct
// with StreamOptions nil: its schema forbids unknown fields.
type openaiRequest struct {
	Model         string         `json:"model"`
	Messages      []Message      `json:"messages"`
	Stream        bool           `json:"stream"`
	MaxTokens     int            `json:"max_tokens,omitempty"`
	Temperature   *float64       `json:"temperature,omitempty"`
	StreamOptions *streamOptions `json:"stream_options,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// openaiChunk covers a streamed chunk, a whole non-streamed completion and
// an error frame sent after HTTP 200.
type openaiChunk struct {
	Object  string `json:"object"`
	Model   string `json:"model"`
	Choices []struct {
		Delta        openaiContent  `json:"delta"`
		Message      *openaiContent `json:"message"`
		FinishReason *string        `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"`
}

type openaiContent struct {
	Content json.RawMessage `json:"content"`
}

// text returns the content, which is a string, null, or (Mistral's newer
// models) an array of parts of which only "text" parts are reply text.
func (c openaiContent) text() (string, error) {
	raw := bytes.TrimSpace(c.Content)
	if len(raw) == 0 || raw[0] == 'n' {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", err
	}
	var out []byte
	for _, p := range parts {
		if p.Type == "text" || p.Type == "" {
			out = append(out, p.Text...)
		}
	}
	return string(out), nil
}

// decodeOpenAIFrame turns one JSON payload into a frame, or into an
// *Error if the payload is an error frame.
func decodeOpenAIFrame(data []byte) (frame, error) {
	var ch openaiChunk
	if err := json.Unmarshal(data, &ch); err != nil {
		return frame{}, protocolError("frame is not JSON: "+truncate(string(data)), err)
	}
	if (len(ch.Error) > 0 && !bytes.Equal(ch.Error, []byte("null"))) || ch.Object == "error" {
		pe := parseErrorBody(data)
		return frame{}, &Error{Kind: KindProtocol, Code: pe.Code, Message: "error frame: " + pe.Message}
	}
	f := frame{model: ch.Model}
	if ch.Usage != nil {
		f.usage = &Usage{PromptTokens: ch.Usage.PromptTokens, CompletionTokens: ch.Usage.CompletionTokens}
	}
	for _, c := range ch.Choices {
		content := c.Delta
		if c.Message != nil {
			content = *c.Message
		}
		t, err := content.text()
		if err != nil {
			return frame{}, protocolError("bad content in frame", err)
		}
		f.delta += t
		if c.FinishReason != nil && *c.FinishReason != "" {
			f.finish = *c.FinishReason
		}
	}
	return f, nil
}

// sseDecoder reads an OpenAI-style event stream.
type sseDecoder struct{ sse *sseReader }

func (d *sseDecoder) next() (frame, error) {
	ev, err := d.sse.next()
	if err != nil {
		return frame{}, err
	}
	data := bytes.TrimSpace(ev.Data)
	if bytes.Equal(data, []byte("[DONE]")) {
		return frame{done: true}, nil
	}
	if ev.Name == "error" && (len(data) == 0 || data[0] != '{') {
		return frame{}, &Error{Kind: KindProtocol, Message: "error event: " + truncate(string(data))}
	}
	return decodeOpenAIFrame(data)
}

// jsonDecoder reads a whole non-streamed completion, for servers that
// ignore "stream": true.
type jsonDecoder struct {
	body io.Reader
	read bool
}

func (d *jsonDecoder) next() (frame, error) {
	if d.read {
		return frame{}, io.EOF
	}
	d.read = true
	data, err := io.ReadAll(io.LimitReader(d.body, 8*MaxLineBytes))
	if err != nil {
		return frame{}, err
	}
	f, err := decodeOpenAIFrame(data)
	f.done = true
	if f.finish == "" {
		f.finish = "stop"
	}
	return f, err
}

func protocolError(msg string, err error) *Error {
	return &Error{Kind: KindProtocol, Message: msg, Err: err}
}

// errorf builds an *Error of the given kind from a formatted message.
func errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fuzzStream checks the invariants every decoded stream must keep: no
// panic; a failure is an *Error or a line-length error; a success's text
// is exactly the deltas delivered, and it ended with a finish reason.
func fuzzStream(t *testing.T, dec frameDecoder) {
	wd := newWatchdog(context.Background(), Config{}.withDefaults())
	defer wd.stop()
	var deltas []string
	delivered := false
	resp, err := readStream(wd, dec, func(d string) error { deltas = append(deltas, d); return nil }, &delivered)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not *Error", err, err)
		}
		return
	}
	if resp.Text != strings.Join(deltas, "") {
		t.Fatalf("text %q differs from deltas %q", resp.Text, deltas)
	}
	if resp.FinishReason == "" {
		t.Fatal("success without a finish reason")
	}
	if delivered != (len(deltas) > 0) {
		t.Fatalf("delivered = %v with %d deltas", delivered, len(deltas))
	}
}

func FuzzSSE(f *testing.F) {
	seeds := []string{
		"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
		"data: {\"choices\":[]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n",
		"data: {\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}}]}\n\n",
		"data: {\"error\":{\"message\":\"x\"}}\n\n",
		"data: {\"object\":\"error\",\"message\":\"x\"}\n\n",
		"event: error\ndata: text\n\n",
		": keepalive\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\ndata: [DONE]\r\n\r\n",
		"data:{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}",
		"data: {\"choices\":[{\"del",
		"data: [DONE]\n\n",
		"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fuzzStream(t, &sseDecoder{sse: newSSEReader(strings.NewReader(body), 4096)})
	})
}

func FuzzNDJSON(f *testing.F) {
	seeds := []string{
		"{\"message\":{\"content\":\"Hi\"},\"done\":false}\n{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"eval_count\":1}\n",
		"{\"error\":\"boom\"}\n",
		"{\"message\":{\"content\":\"Hi\"},\"done\":false}\n",
		"\n\n{\"done\":true}",
		"{\"message\":{\"con",
		"not json\n",
		"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fuzzStream(t, &ndjsonDecoder{lines: newLineReader(strings.NewReader(body), 4096)})
	})
}

func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{`{"error":{"message":"m","code":1}}`, `{"error":"x"}`, `{"message":{"detail":[{"loc":["a",1],"msg":"m"}]}}`,
		`{"detail":"d"}`, "<title>t</title>", "plain", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		pe := parseErrorBody([]byte(body))
		if len(pe.Message) > maxMessage+len("…") {
			t.Fatalf("message of %d bytes exceeds the bound", len(pe.Message))
		}
	})
}

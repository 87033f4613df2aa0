package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readBody decodes a raw stream body the way Chat does.
func readBody(t *testing.T, dec frameDecoder) (Response, []string, error) {
	t.Helper()
	c, _ := newTestClient(t, Config{Type: OpenAI, Model: "m"})
	wd := newWatchdog(context.Background(), c.cfg)
	defer wd.stop()
	var deltas []string
	delivered := false
	resp, err := readStream(wd, dec, func(d string) error { deltas = append(deltas, d); return nil }, &delivered)
	return resp, deltas, err
}

func sse(body string) frameDecoder {
	return &sseDecoder{sse: newSSEReader(strings.NewReader(body), MaxLineBytes)}
}

func ndjson(body string) frameDecoder {
	return &ndjsonDecoder{lines: newLineReader(strings.NewReader(body), MaxLineBytes)}
}

func TestSSEStreams(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     Response
		wantKind ErrorKind
	}{
		{"a plain stream ends at [DONE]",
			"data: {\"model\":\"m1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n" +
				"data: {\"choices\":[{\"delta\":{\"content\":\" you\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
			Response{Text: "Hi you", FinishReason: "stop", Model: "m1"}, 0},
		{"CRLF line ends and keepalive comments are fine",
			": ping\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\r\n\r\ndata: [DONE]\r\n\r\n",
			Response{Text: "Hi", FinishReason: "stop"}, 0},
		{"empty choices and a usage-only chunk are not content",
			"data: {\"choices\":[]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"length\"}]}\n\n" +
				"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n",
			Response{Text: "Hi", FinishReason: "length", Usage: Usage{7, 1}}, 0},
		{"content given as an array of parts keeps only text parts",
			"data: {\"choices\":[{\"delta\":{\"content\":[{\"type\":\"thinking\",\"thinking\":[]},{\"type\":\"text\",\"text\":\"Hi\"}]},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
			Response{Text: "Hi", FinishReason: "stop"}, 0},
		{"null content is no content",
			"data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
			Response{FinishReason: "stop"}, 0},
		{"a missing [DONE] after the finish reason is accepted",
			"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n",
			Response{Text: "Hi", FinishReason: "stop"}, 0},
		{"a last event without its blank line still counts",
			"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}",
			Response{Text: "Hi", FinishReason: "stop"}, 0},
		{"a stream that stops without finish or [DONE] is cut",
			"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n", Response{}, KindProtocol},
		{"a frame cut inside its JSON is cut",
			"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"del", Response{}, KindProtocol},
		{"an OpenAI error frame after HTTP 200 is an error",
			"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
			Response{}, KindProtocol},
		{"a Mistral flat error frame is an error",
			"data: {\"object\":\"error\",\"message\":\"boom\",\"type\":\"internal\",\"code\":\"3000\"}\n\n", Response{}, KindProtocol},
		{"an error event with text data is an error",
			"event: error\ndata: upstream timed out\n\n", Response{}, KindProtocol},
		{"a data line that is not JSON is an error",
			"data: <html>\n\n", Response{}, KindProtocol},
		{"an empty body is cut", "", Response{}, KindProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, deltas, err := readBody(t, sse(tt.body))
			if tt.wantKind != 0 {
				wantError(t, err, tt.wantKind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if joined(deltas) != resp.Text {
				t.Errorf("deltas %q do not make the text %q", deltas, resp.Text)
			}
		})
	}
}

func TestNDJSONStreams(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     Response
		wantKind ErrorKind
	}{
		{"a plain stream ends at done:true with counts",
			"{\"model\":\"tiny\",\"message\":{\"content\":\"Hi\"},\"done\":false}\n\n" +
				"{\"model\":\"tiny\",\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"length\",\"prompt_eval_count\":30,\"eval_count\":1}\n",
			Response{Text: "Hi", FinishReason: "length", Model: "tiny", Usage: Usage{30, 1}}, 0},
		{"an error line after HTTP 200 is an error",
			"{\"message\":{\"content\":\"Hi\"},\"done\":false}\n{\"error\":\"llama runner process has terminated\"}\n", Response{}, KindProtocol},
		{"a stream without done:true is cut",
			"{\"message\":{\"content\":\"Hi\"},\"done\":false}\n", Response{}, KindProtocol},
		{"a line cut inside its JSON is cut",
			"{\"message\":{\"content\":\"Hi\"},\"done\":false}\n{\"message\":{\"con", Response{}, KindProtocol},
		{"plain text instead of JSON is an error", "404 page not found\n", Response{}, KindProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _, err := readBody(t, ndjson(tt.body))
			if tt.wantKind != 0 {
				wantError(t, err, tt.wantKind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOverlongLineIsRefused(t *testing.T) {
	body := "data: " + strings.Repeat("x", 300) + "\n\n"
	d := &sseDecoder{sse: newSSEReader(strings.NewReader(body), 100)}
	_, _, err := readBody(t, d)
	wantError(t, err, KindProtocol)
}

func TestNonStreamAnswersUnder200(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		wantKind    ErrorKind
		wantText    string
	}{
		{"a proxy's HTML login page is a protocol error", "text/html", "<html><title>Sign in</title></html>", KindProtocol, ""},
		{"a whole JSON completion from a server that ignores stream is read", "application/json",
			`{"model":"m","choices":[{"message":{"content":"Whole"},"finish_reason":"stop"}]}`, 0, "Whole"},
		{"a JSON error under 200 is an error", "application/json", `{"error":{"message":"nope"}}`, KindProtocol, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			c, _ := newTestClient(t, Config{Type: OpenAI, Endpoint: srv.URL, Model: "m"})
			resp, _, err := chatCollect(context.Background(), c, hello())
			if tt.wantKind != 0 {
				wantError(t, err, tt.wantKind)
				return
			}
			if err != nil || resp.Text != tt.wantText {
				t.Fatalf("text %q, err %v", resp.Text, err)
			}
		})
	}
}

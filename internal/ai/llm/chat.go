package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Chat sends req and streams the reply: onDelta (which may be nil) gets
// each piece of text as it arrives, and the returned Response holds all of
// it. The provider is always asked to stream, so the timeouts can tell a
// slow model from a dead one.
//
// A failure is an *Error. Answers of 408, 429 and 5xx are retried with
// backoff unless the quota is exhausted or some text already reached
// onDelta. An error returned by onDelta stops the stream, and a
// Config.Limiter that fails for a reason other than ctx's end stops the
// call before it starts; both are returned wrapped, not as *Error.
func (c *Client) Chat(ctx context.Context, req Request, onDelta func(string) error) (Response, error) {
	if len(req.Messages) == 0 {
		return Response{}, &Error{Kind: KindBadRequest, Message: "no messages"}
	}
	ctx, cancel := withTotal(ctx, c.cfg.TotalTimeout)
	defer cancel()
	release, err := c.acquire(ctx)
	if err != nil {
		return Response{}, err
	}
	defer release()

	body, accept := c.chatBody(req), "text/event-stream"
	if c.cfg.Type == Ollama {
		accept = "application/x-ndjson"
	}
	url := c.ChatURL()
	var resp Response
	err = c.retrying(ctx, url, func() (bool, error) {
		delivered := false
		resp, err = c.chatOnce(ctx, url, body, accept, onDelta, &delivered)
		return delivered, err
	})
	if err != nil {
		return Response{}, err
	}
	return resp, nil
}

// chatBody builds the request body for the type. Mistral's schema rejects
// unknown fields, so it gets no stream_options; Azure gets them only from
// the api-version that introduced them.
func (c *Client) chatBody(req Request) any {
	if c.cfg.Type == Ollama {
		body := ollamaRequest{Model: c.cfg.Model, Messages: req.Messages, Stream: true}
		if req.NumCtx > 0 || req.MaxTokens > 0 || req.Temperature != nil {
			body.Options = &ollamaOptions{
				NumCtx:      req.NumCtx,
				NumPredict:  req.MaxTokens,
				Temperature: req.Temperature,
			}
		}
		return body
	}
	body := openaiRequest{Model: c.cfg.Model, Messages: req.Messages, Stream: true,
		MaxTokens: req.MaxTokens, Temperature: req.Temperature}
	if c.cfg.Type == OpenAI || (c.cfg.Type == AzureOpenAI && c.cfg.APIVersion >= "2024-09-01") {
		body.StreamOptions = &streamOptions{IncludeUsage: true}
	}
	return body
}

// chatOnce makes one attempt. delivered is set once text reached onDelta,
// after which the call must not be retried.
func (c *Client) chatOnce(ctx context.Context, url string, body any, accept string,
	onDelta func(string) error, delivered *bool) (Response, error) {
	wd := newWatchdog(ctx, c.cfg)
	defer wd.stop()
	resp, err := c.send(wd.ctx, http.MethodPost, url, body, accept)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	wd.answered()
	dec, err := c.decoder(resp, wd.touch)
	if err != nil {
		return Response{}, err
	}
	out, err := readStream(wd, dec, onDelta, delivered)
	if err == nil {
		// What follows the end marker (a blank line, the chunked trailer)
		// must be read for the connection to be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	}
	return out, err
}

// decoder picks the reader for the response's format, refusing a body
// that is no stream at all (a proxy's HTML page, say).
func (c *Client) decoder(resp *http.Response, onLine func()) (frameDecoder, error) {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case c.cfg.Type == Ollama && (mt == "application/x-ndjson" || mt == "application/json" || mt == ""):
		lr := newLineReader(resp.Body, MaxLineBytes)
		lr.onLine = onLine
		return &ndjsonDecoder{lines: lr}, nil
	case c.cfg.Type != Ollama && (mt == "text/event-stream" || mt == ""):
		sse := newSSEReader(resp.Body, MaxLineBytes)
		sse.lines.onLine = onLine
		return &sseDecoder{sse: sse}, nil
	case c.cfg.Type != Ollama && mt == "application/json":
		return &jsonDecoder{body: resp.Body}, nil
	}
	peek, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return nil, &Error{Kind: KindProtocol, Status: resp.StatusCode,
		Message: fmt.Sprintf("expected a stream, got %s: %s", mt, plainText(peek))}
}

// readStream consumes frames until the stream's end. A stream that stops
// before its end (no [DONE], finish reason or done:true) is a protocol
// error, never a silent partial success.
func readStream(
	wd *watchdog,
	dec frameDecoder,
	onDelta func(string) error,
	delivered *bool,
) (Response, error) {
	var out Response
	var text strings.Builder
	for {
		f, err := dec.next()
		if errors.Is(err, io.EOF) {
			if out.FinishReason == "" {
				return Response{}, &Error{
					Kind:    KindProtocol,
					Message: "the stream ended before the reply was complete",
					Err:     io.ErrUnexpectedEOF,
				}
			}
			break
		}
		if err != nil {
			return Response{}, classifyTransport(wd.ctx, err)
		}
		if f.delta != "" {
			wd.firstText()
			if onDelta != nil {
				if err := onDelta(f.delta); err != nil {
					return Response{}, fmt.Errorf("llm: stream stopped by caller: %w", err)
				}
			}
			*delivered = true
			text.WriteString(f.delta)
		}
		mergeFrame(&out, f)
		if f.done {
			if out.FinishReason == "" {
				out.FinishReason = "stop"
			}
			break
		}
	}
	out.Text = text.String()
	return out, nil
}

func mergeFrame(out *Response, f frame) {
	if f.model != "" {
		out.Model = f.model
	}
	if f.finish != "" {
		out.FinishReason = f.finish
	}
	if f.usage != nil {
		out.Usage = *f.usage
	}
}

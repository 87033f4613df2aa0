package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"
)

// Client talks to one provider about one model. It is safe for concurrent
// use; MaxConcurrent chats and embeddings run at once (or as many as
// Config.Limiter allows), the rest queue.
type Client struct {
	cfg     Config
	root    string // see URL
	http    *http.Client
	limiter Limiter

	// sleep waits between retries; tests replace it to record waits.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a number in [0,1) that spreads backoff waits.
	jitter func() float64
}

// New checks cfg, fills its defaults and normalises its endpoint.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	root, apiVersion, err := apiRoot(cfg.Type, cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Type == AzureOpenAI && apiVersion != "" && cfg.APIVersion == DefaultAzureAPIVersion {
		cfg.APIVersion = apiVersion
	}
	c := &Client{cfg: cfg, root: root, http: cfg.HTTPClient, limiter: cfg.Limiter,
		sleep: sleepCtx, jitter: rand.Float64}
	if c.limiter == nil {
		c.limiter = NewSemaphore(cfg.MaxConcurrent)
	}
	if c.http == nil {
		c.http = &http.Client{Transport: newTransport(cfg)}
	}
	return c, nil
}

// newTransport is http.DefaultTransport's behaviour (proxy from the
// environment, HTTP/2) with the connect timeout applied to dial and TLS.
func newTransport(cfg Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = cfg.ConnectTimeout
	t.MaxIdleConnsPerHost = cfg.MaxConcurrent
	return t
}

// Config returns the configuration in use, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// URL returns the exact URL of an API path, for requests and diagnosis.
// The path is relative to the type's API root: ".../v1" for openai and
// mistralai (URL("chat/completions")), ".../openai" for Azure, with
// api-version added (URL("deployments/NAME/chat/completions")), and the
// server root for native Ollama (URL("api/chat")).
func (c *Client) URL(path string) string {
	u := c.root + "/" + strings.TrimLeft(path, "/")
	if c.cfg.Type == AzureOpenAI {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "api-version=" + c.cfg.APIVersion
	}
	return u
}

// ChatURL returns the URL a chat request is posted to.
func (c *Client) ChatURL() string {
	switch c.cfg.Type {
	case Ollama:
		return c.URL("api/chat")
	case AzureOpenAI:
		return c.URL("deployments/" + pathEscape(c.cfg.Model) + "/chat/completions")
	default:
		return c.URL("chat/completions")
	}
}

func pathEscape(s string) string {
	return strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23", " ", "%20").Replace(s)
}

// acquire takes a concurrency slot, waiting until one frees or ctx ends.
// An end of ctx is an *Error of kind canceled or timeout, like any other
// wait of the client; a limiter that fails otherwise (its database is
// down) gives its own error, wrapped.
func (c *Client) acquire(ctx context.Context) (release func(), err error) {
	release, err = c.limiter.Acquire(ctx)
	if err == nil {
		return release, nil
	}
	if ctx.Err() != nil {
		return nil, ctxError(ctx, ctx.Err())
	}
	return nil, fmt.Errorf("llm: concurrency limit: %w", err)
}

// send performs one request. It returns the response only for a 2xx
// status; any other answer or failure comes back as *Error.
func (c *Client) send(
	ctx context.Context,
	method, url string,
	body any,
	accept string,
) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("llm: encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, &Error{Kind: KindBadRequest, URL: url, Err: err}
	}
	c.setHeaders(req, accept, body != nil)
	resp, err := c.http.Do(req)
	if err != nil {
		e := classifyTransport(ctx, err)
		e.URL = url
		return nil, e
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, httpError(resp, url)
	}
	return resp, nil
}

// setHeaders adds the credentials the type expects: a Bearer token, or
// Azure's api-key header. A token that is empty or "none" sends none.
func (c *Client) setHeaders(req *http.Request, accept string, hasBody bool) {
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "tipster-llm/1")
	if !c.cfg.hasToken() {
		return
	}
	if c.cfg.Type == AzureOpenAI {
		req.Header.Set("api-key", c.cfg.Token)
		return
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
}

// httpError reads a non-2xx answer into an *Error.
func httpError(resp *http.Response, url string) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	pe := parseErrorBody(body)
	if pe.Message == "" {
		pe.Message = http.StatusText(resp.StatusCode)
	}
	e := &Error{Kind: kindForStatus(resp.StatusCode, pe.Code, pe.Message), Status: resp.StatusCode,
		Code: pe.Code, Message: pe.Message, URL: url, RetryAfter: retryAfter(resp.Header, time.Now())}
	if e.Kind == KindTimeout {
		e.Timeout = TimeoutServer
	}
	return e
}

// getJSON fetches url into out under the watchdog's timers.
func (c *Client) getJSON(ctx context.Context, method, url string, body, out any) error {
	wd := newWatchdog(ctx, c.cfg)
	defer wd.stop()
	resp, err := c.send(wd.ctx, method, url, body, "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	wd.answered()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64*MaxLineBytes))
	if err != nil {
		e := classifyTransport(wd.ctx, err)
		e.URL = url
		return e
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &Error{Kind: KindProtocol, Status: resp.StatusCode, URL: url,
			Message: "answer is not the expected JSON: " + plainText(data), Err: err}
	}
	return nil
}

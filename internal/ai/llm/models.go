package llm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Where a ModelInfo's context length came from.
const (
	SourceProvider = "provider"         // the provider's model list said so
	SourceOllama   = "ollama /api/show" // Ollama's model metadata
	SourceTable    = "known models"     // ContextWindow's table
	SourceProbe    = "chat probe"       // Azure: a one-token chat reached the deployment
)

// ModelInfo is what the provider says about the configured model.
type ModelInfo struct {
	Name      string
	Available bool // the provider has the model (Azure: the deployment)
	// ContextLength is the model's context window in tokens, 0 if unknown.
	ContextLength int
	// DefaultContext is the context an Ollama server uses for a request
	// that does not set num_ctx, when the model's Modelfile sets one; 0
	// means the server's own default (2048 tokens before Ollama v0.6.6).
	DefaultContext int
	// Source says where ContextLength came from; see the Source constants.
	Source string
}

// ModelInfo asks the provider whether it has the configured model and how
// long its context is. An answer that the model is missing is not an
// error: Available is false and err is nil. On Azure, which lists no
// deployments to a key, it sends a one-token chat to the deployment.
func (c *Client) ModelInfo(ctx context.Context) (ModelInfo, error) {
	ctx, cancel := withTotal(ctx, c.cfg.TotalTimeout)
	defer cancel()
	switch c.cfg.Type {
	case Ollama:
		return c.ollamaShow(ctx, c.root)
	case AzureOpenAI:
		return c.azureModelInfo(ctx)
	default:
		return c.listedModel(ctx)
	}
}

// showResponse is the part of Ollama's /api/show answer used here.
type showResponse struct {
	Parameters string                     `json:"parameters"`
	ModelInfo  map[string]json.RawMessage `json:"model_info"`
}

// ollamaShow reads the model's metadata from POST /api/show at the server
// root; the context length is model_info["<architecture>.context_length"].
func (c *Client) ollamaShow(ctx context.Context, root string) (ModelInfo, error) {
	name := c.cfg.Model
	if !strings.Contains(lastPathElem(name), ":") {
		name += ":latest"
	}
	info := ModelInfo{Name: name}
	var show showResponse
	err := c.getJSON(
		ctx,
		http.MethodPost,
		serverRoot(root)+"/api/show",
		map[string]string{"model": name},
		&show,
	)
	if KindOf(err) == KindModelNotFound {
		return info, nil
	}
	if err != nil {
		return info, err
	}
	info.Available = true
	info.ContextLength = show.contextLength()
	info.DefaultContext = paramInt(show.Parameters, "num_ctx")
	if info.ContextLength > 0 {
		info.Source = SourceOllama
	}
	return info, nil
}

func (s showResponse) contextLength() int {
	var arch string
	_ = json.Unmarshal(s.ModelInfo["general.architecture"], &arch)
	if n := rawInt(s.ModelInfo[arch+".context_length"]); n > 0 {
		return n
	}
	for k, v := range s.ModelInfo {
		if strings.HasSuffix(k, ".context_length") {
			return rawInt(v)
		}
	}
	return 0
}

func rawInt(raw json.RawMessage) int {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0
	}
	i, _ := strconv.Atoi(n.String())
	return i
}

// paramInt finds "name value" in a Modelfile parameters text.
func paramInt(params, name string) int {
	for _, line := range strings.Split(params, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == name {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// modelList is GET /v1/models. Mistral gives each model's
// max_context_length; some compatible servers give other names.
type modelList struct {
	Data []struct {
		ID               string `json:"id"`
		MaxContextLength int    `json:"max_context_length"`
		ContextLength    int    `json:"context_length"`
		MaxModelLen      int    `json:"max_model_len"`
	} `json:"data"`
}

// listedModel finds the model in GET /v1/models. When the list gives no
// context length it falls back to the known-models table and, on a server
// that is not a public cloud (Ollama's /v1, typically), to /api/show.
func (c *Client) listedModel(ctx context.Context) (ModelInfo, error) {
	info := ModelInfo{Name: c.cfg.Model}
	var list modelList
	if err := c.getJSON(ctx, http.MethodGet, c.URL("models"), nil, &list); err != nil {
		return info, err
	}
	for _, m := range list.Data {
		if sameModel(m.ID, c.cfg.Model) {
			info.Available = true
			info.ContextLength = max(m.MaxContextLength, m.ContextLength, m.MaxModelLen)
		}
	}
	if !info.Available {
		return info, nil
	}
	if info.ContextLength > 0 {
		info.Source = SourceProvider
		return info, nil
	}
	if n := ContextWindow(c.cfg.Type, c.cfg.Model); n > 0 {
		info.ContextLength, info.Source = n, SourceTable
		return info, nil
	}
	if !isPublicCloud(c.root) {
		if show, err := c.ollamaShow(ctx, c.root); err == nil && show.Available {
			info.ContextLength, info.DefaultContext, info.Source = show.ContextLength, show.DefaultContext, show.Source
		}
	}
	return info, nil
}

// sameModel compares model names, taking an untagged Ollama name to mean
// its :latest tag.
func sameModel(listed, want string) bool {
	return listed == want || listed == want+":latest" || strings.TrimSuffix(listed, ":latest") == want
}

// azureModelInfo sends a one-token chat to the deployment: Azure's data
// plane has no way for a key holder to list deployments.
func (c *Client) azureModelInfo(ctx context.Context) (ModelInfo, error) {
	info := ModelInfo{Name: c.cfg.Model}
	ping := openaiRequest{
		Model:     c.cfg.Model,
		Messages:  []Message{{Role: "user", Content: "ping"}},
		MaxTokens: 1,
	}
	var out json.RawMessage
	err := c.getJSON(ctx, http.MethodPost, c.ChatURL(), ping, &out)
	if KindOf(err) == KindModelNotFound {
		return info, nil
	}
	if err != nil {
		return info, err
	}
	info.Available, info.Source = true, SourceProbe
	if n := ContextWindow(AzureOpenAI, c.cfg.Model); n > 0 {
		info.ContextLength, info.Source = n, SourceTable
	}
	return info, nil
}

// Status is the outcome of Probe.
type Status struct {
	Reachable      bool          // a server answered at all, even with an error
	ModelAvailable bool          // it has the configured model
	Model          ModelInfo     // what it said about the model
	Latency        time.Duration // how long the probe took
	Err            error         // why the provider is not usable, nil if it is
	Checked        time.Time     // when the probe ran
}

// OK reports whether the provider is reachable and has the model.
func (s Status) OK() bool { return s.Err == nil && s.Reachable && s.ModelAvailable }

// Probe really contacts the provider and reports whether it can be used:
// reachable, credentials accepted, model present. A missing model gives
// an Err of KindModelNotFound, so that Diagnose can explain it.
func (c *Client) Probe(ctx context.Context) Status {
	st := Status{Checked: time.Now()}
	info, err := c.ModelInfo(ctx)
	st.Latency = time.Since(st.Checked)
	st.Model, st.ModelAvailable, st.Err = info, info.Available, err
	var e *Error
	st.Reachable = err == nil || (errors.As(err, &e) && e.Status != 0)
	if err == nil && !info.Available {
		st.Err = &Error{Kind: KindModelNotFound, Message: "the provider has no model " + quote(info.Name)}
	}
	return st
}

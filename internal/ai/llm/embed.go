package llm

import (
	"context"
	"fmt"
	"net/http"
)

// embedRequest serves both /api/embed (Ollama) and /v1/embeddings, whose
// request bodies agree; Mistral's schema accepts these two fields.
type embedRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type ollamaEmbedResponse struct {
	Embeddings [][]float32 `json:"embeddings"`
}

type openaiEmbedResponse struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
}

// Embed returns one vector per input, in input order. An empty model means
// the configured one (on Azure, model names the embedding deployment).
func (c *Client) Embed(ctx context.Context, model string, inputs []string) ([][]float32, error) {
	if len(inputs) == 0 {
		return nil, nil
	}
	if model == "" {
		model = c.cfg.Model
	}
	ctx, cancel := withTotal(ctx, c.cfg.TotalTimeout)
	defer cancel()
	release, err := c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	req := embedRequest{Model: model, Input: inputs}
	var vecs [][]float32
	switch c.cfg.Type {
	case Ollama:
		vecs, err = c.ollamaEmbed(ctx, req)
	case AzureOpenAI:
		vecs, err = c.openaiEmbed(ctx, c.URL("deployments/"+pathEscape(model)+"/embeddings"), req)
	default:
		vecs, err = c.openaiEmbed(ctx, c.URL("embeddings"), req)
	}
	if err == nil && len(vecs) != len(inputs) {
		err = errorf(KindProtocol, "asked for %d embeddings, got %d", len(inputs), len(vecs))
	}
	return vecs, err
}

func (c *Client) ollamaEmbed(ctx context.Context, req embedRequest) ([][]float32, error) {
	var out ollamaEmbedResponse
	url := c.URL("api/embed")
	err := c.retrying(ctx, url, func() (bool, error) {
		return false, c.getJSON(ctx, http.MethodPost, url, req, &out)
	})
	if err != nil {
		return nil, err
	}
	return out.Embeddings, nil
}

func (c *Client) openaiEmbed(ctx context.Context, url string, req embedRequest) ([][]float32, error) {
	var out openaiEmbedResponse
	err := c.retrying(ctx, url, func() (bool, error) {
		return false, c.getJSON(ctx, http.MethodPost, url, req, &out)
	})
	if err != nil {
		return nil, err
	}
	vecs := make([][]float32, len(out.Data))
	for i, d := range out.Data {
		if d.Index < 0 || d.Index >= len(vecs) || vecs[d.Index] != nil {
			return nil, &Error{
				Kind:    KindProtocol,
				URL:     url,
				Message: fmt.Sprintf("embedding %d has index %d", i, d.Index),
			}
		}
		vecs[d.Index] = d.Embedding
	}
	return vecs, nil
}

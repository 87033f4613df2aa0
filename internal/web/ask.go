package web

import (
	"net/http"

	"github.com/tipster-cti/tipster/internal/ai/kb"
	"github.com/tipster-cti/tipster/internal/store"
)

// askData is the conversation page: whether the viewer's role may ask,
// and how many earlier turns a question sends back as history (as many as
// the server keeps).
type askData struct {
	CanAsk     bool
	MaxHistory int
}

// askPage serves the conversation with the knowledge base. The turns live
// in the browser only: each question goes to POST /api/v1/ai/question with
// the earlier turns as history, and the server stores no conversation.
func (p *Pages) askPage(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	d := askData{CanAsk: v.CanWrite(), MaxHistory: kb.MaxHistory}
	return p.render(w, r, v, "ask", "Ask the knowledge base", "ask", d)
}

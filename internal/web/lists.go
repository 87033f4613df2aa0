package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// dashboardData is the home page: what the knowledge base holds and the
// latest reports.
type dashboardData struct {
	Counts  []count
	Total   int
	Reports []*store.Stored
}

func (p *Pages) dashboard(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	counts, err := p.Store.Count(r.Context(), v)
	if err != nil {
		return err
	}
	latest, err := p.Store.Search(r.Context(), v, store.Query{Types: []string{"report"}, Limit: 10})
	if err != nil {
		return err
	}
	d := dashboardData{Counts: sortedCounts(counts), Reports: latest.Objects}
	for _, n := range counts {
		d.Total += n
	}
	return p.render(w, r, v, "dashboard", "Dashboard", "dashboard", d)
}

// listData is a page of search results with the filters that chose them.
type listData struct {
	Filters  filters
	Objects  []*store.Stored
	NextURL  string // the following page, "" on the last
	Types    []count
	TLPs     []string
	Searched bool // a filter is set, so an empty list means "no match"
}

// filters are the query parameters of the reports and search pages, as
// the form shows them.
type filters struct {
	Q, Type, Label, Marking, After, Before, Cursor string
}

func (p *Pages) reports(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	return p.list(w, r, v, "reports", "Reports", "report")
}

func (p *Pages) search(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	return p.list(w, r, v, "search", "Search", "")
}

// list runs the query of the reports page (default type: report) or of
// the search page (every type).
func (p *Pages) list(
	w http.ResponseWriter,
	r *http.Request,
	v store.Viewer,
	name, title, defType string,
) error {
	f := readFilters(r.URL.Query(), defType)
	q, err := f.query()
	if err != nil {
		return err
	}
	page, err := p.Store.Search(r.Context(), v, q)
	if err != nil {
		return err
	}
	counts, err := p.Store.Count(r.Context(), v)
	if err != nil {
		return err
	}
	d := listData{Filters: f, Objects: page.Objects, Types: sortedCounts(counts), TLPs: tlpNames(),
		Searched: f.Q != "" || f.Label != "" || f.Marking != "" || f.After != "" || f.Before != ""}
	if page.Next != "" {
		next := r.URL.Query()
		next.Set("cursor", page.Next)
		d.NextURL = r.URL.Path + "?" + next.Encode()
	}
	return p.render(w, r, v, name, title, name, d)
}

func readFilters(p url.Values, defType string) filters {
	f := filters{
		Q:     strings.TrimSpace(p.Get("q")),
		Type:  p.Get("type"),
		Label: strings.TrimSpace(p.Get("label")),
		Marking: p.Get(
			"marking",
		),
		After:  p.Get("created_after"),
		Before: p.Get("created_before"),
		Cursor: p.Get("cursor"),
	}
	if !p.Has("type") {
		f.Type = defType
	}
	return f
}

// query turns the form's filters into a store query; dates are days, the
// "before" day included. The marking filter is a TLP level, matched
// against each object's own level whichever TLP version marks it.
func (f filters) query() (store.Query, error) {
	q := store.Query{Text: f.Q, Label: f.Label, Cursor: f.Cursor}
	if f.Type != "" {
		q.Types = []string{f.Type}
	}
	if f.Marking != "" {
		tlp, err := stix.ParseTLP(f.Marking)
		if err != nil {
			return q, badRequest("%q is not a TLP level.", f.Marking)
		}
		q.TLP = &tlp
	}
	var err error
	if q.CreatedAfter, err = day(f.After, "created after"); err != nil {
		return q, err
	}
	if q.CreatedBefore, err = day(f.Before, "created before"); err != nil {
		return q, err
	}
	if !q.CreatedBefore.IsZero() {
		q.CreatedBefore = q.CreatedBefore.AddDate(0, 0, 1)
	}
	return q, nil
}

// day reads a date input's value, 2006-01-02.
func day(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, badRequest("The %s date %q is not a date such as 2024-01-31.", field, s)
	}
	return t, nil
}

func tlpNames() []string {
	var out []string
	for t := stix.TLPClear; t <= stix.TLPRed; t++ {
		out = append(out, t.String())
	}
	return out
}

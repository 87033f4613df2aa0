package index

import "context"

// Status is the state of the index, for progress displays.
type Status struct {
	Objects  int `json:"objects"`  // objects cut into passages
	Pending  int `json:"pending"`  // objects not yet cut
	Passages int `json:"passages"` // passages in the index
	// Model is the embedding model, "" without one; the fields below
	// are about it.
	Model    string `json:"model,omitempty"`
	Embedded int    `json:"embedded"` // passages with a vector of Model
	Skipped  int    `json:"skipped"`  // passages above the provider's TLP limit, left without one
	Dims     int    `json:"dims,omitempty"`
	State    string `json:"state,omitempty"` // pending, running, done or failed
	Error    string `json:"error,omitempty"` // the last run's failure
	Updated  string `json:"updated,omitempty"`
}

// Status reports the index's progress; model may be "" and maxTLP is the
// level above which passages are not embedded.
func (ix *Index) Status(ctx context.Context, model string, maxTLP int) (Status, error) {
	return ix.s.Status(ctx, model, maxTLP)
}

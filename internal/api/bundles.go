package api

import (
	"net/http"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// MaxBundleBytes bounds the body of POST /api/v1/bundles: 2 GiB. Imports
// stream, so memory does not grow with the body.
const MaxBundleBytes = 2 << 30

// importBundle is POST /api/v1/bundles: the body is a STIX bundle, array or
// object; ?marking=TLP:AMBER marks objects that carry no TLP.
func (s *Server) importBundle(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	if !v.CanWrite() {
		return ErrForbidden
	}
	opt := ingest.Options{}
	if m := r.URL.Query().Get("marking"); m != "" {
		tlp, err := stix.ParseTLP(m)
		if err != nil {
			return BadRequest("marking: %v", err)
		}
		opt.Marking = &tlp
	}
	body := http.MaxBytesReader(w, r.Body, MaxBundleBytes)
	sum, err := ingest.Bundle(r.Context(), s.Store, body, opt)
	if err != nil {
		return err
	}
	if sum.Skipped == nil {
		sum.Skipped = []ingest.Skip{}
	}
	s.Log.Info("bundle imported", "user", v.Name, "created", sum.Created, "updated", sum.Updated,
		"unchanged", sum.Unchanged, "skipped", len(sum.Skipped))
	return writeJSON(w, http.StatusOK, sum)
}

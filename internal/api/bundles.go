package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// MaxBundleBytes bounds the body of POST /api/v1/bundles: 2 GiB. The body
// is spooled to a temporary file, so memory does not grow with it.
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
	opt.Writer = &v
	body, err := spool(http.MaxBytesReader(w, r.Body, MaxBundleBytes))
	if err != nil {
		return err
	}
	defer body.Close()
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

// spool copies a request body to a temporary file that is removed when
// closed. The import then reads at disk speed: a client that trickles its
// body cannot hold the store's write lock while it does.
func spool(body io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "tipster-upload-*")
	if err != nil {
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	os.Remove(f.Name()) // the open file stays readable until closed
	if _, err := io.Copy(f, body); err != nil {
		f.Close()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
				Message: fmt.Sprintf("body is larger than %d bytes", tooBig.Limit)}
		}
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	return f, nil
}

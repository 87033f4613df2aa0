package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// LexiconFunc returns the names and aliases of the knowledge base that a
// viewer may see, for finding entities in documents.
type LexiconFunc func(ctx context.Context, v store.Viewer) (*extract.Lexicon, error)

// EnableDocuments adds the document routes: upload, original file, text.
func (s *Server) EnableDocuments(lexicon LexiconFunc) {
	s.Handle("POST /api/v1/documents", func(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
		return s.importDocument(w, r, v, lexicon)
	})
	s.Handle("GET /api/v1/objects/{id}/document", s.documentFile)
	s.Handle("GET /api/v1/objects/{id}/text", s.documentText)
}

// importDocument is POST /api/v1/documents: a multipart form with a "file"
// field, or the raw file as the body with ?filename=; ?marking= sets its TLP.
func (s *Server) importDocument(
	w http.ResponseWriter,
	r *http.Request,
	v store.Viewer,
	lexicon LexiconFunc,
) error {
	if !v.CanWrite() {
		return ErrForbidden
	}
	opt := ingest.DocumentOptions{Writer: &v}
	if m := r.URL.Query().Get("marking"); m != "" {
		tlp, err := stix.ParseTLP(m)
		if err != nil {
			return BadRequest("marking: %v", err)
		}
		opt.Marking = &tlp
	}
	body, name, err := uploadedFile(w, r)
	if err != nil {
		return err
	}
	if opt.Lexicon, err = lexicon(r.Context(), v); err != nil {
		return err
	}
	res, err := ingest.Document(r.Context(), s.Store, body, name, opt)
	if err != nil {
		return documentError(err)
	}
	s.Log.Info("document imported", "user", v.Name, "report", res.ReportID, "indicators", res.Indicators)
	return writeJSON(w, http.StatusOK, res)
}

// uploadedFile returns the uploaded file's content and base name.
func uploadedFile(w http.ResponseWriter, r *http.Request) (io.Reader, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 80<<20)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return r.Body, CleanName(r.URL.Query().Get("filename")), nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", BadRequest("upload: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", BadRequest("upload: no \"file\" field in the form")
		}
		if err != nil {
			return nil, "", BadRequest("upload: %v", err)
		}
		if part.FormName() == "file" {
			return part, CleanName(part.FileName()), nil
		}
	}
}

// documentError turns a document reader's refusal into a 400 that says why.
func documentError(err error) error {
	if errors.Is(err, ingest.ErrNotPermitted) {
		return &Error{
			Status:  http.StatusForbidden,
			Code:    "not_permitted",
			Message: "a report made from this file is stored above your clearance",
			Err:     err,
		}
	}
	if errors.Is(err, ingest.ErrInput) {
		return &Error{Status: http.StatusBadRequest, Code: "bad_document", Message: err.Error(), Err: err}
	}
	return err
}

// documentFile is GET /api/v1/objects/{id}/document: the original file,
// always as a download so that an HTML report is never rendered by the
// browser under Tipster's origin.
func (s *Server) documentFile(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := objectID(r)
	if err != nil {
		return err
	}
	doc, err := s.Store.GetDocument(r.Context(), v, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().
		Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName}))
	_, err = w.Write(doc.Original)
	return err
}

// documentText is GET /api/v1/objects/{id}/text: the readable text of a
// report imported from a document.
func (s *Server) documentText(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := objectID(r)
	if err != nil {
		return err
	}
	doc, err := s.Store.GetDocument(r.Context(), v, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"report_id": doc.ReportID, "file_name": doc.FileName,
		"media_type": doc.MediaType, "sha256": doc.SHA256, "text": doc.Text})
}

// CleanName keeps the last element of a client's file name, whether it
// was written with slashes or backslashes, without control characters;
// "document" when nothing usable is left.
func CleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		return "document"
	}
	return name
}

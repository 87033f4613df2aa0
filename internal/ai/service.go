package ai

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Options build a Service.
type Options struct {
	Store    store.Store
	Settings Settings
	Audit    *AuditLog
	Log      *slog.Logger
	// Engine replaces the engine built from Settings (for tests); Offline
	// replaces the registered offline engine.
	Engine, Offline Engine
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Service is Ask AI: it checks, runs, verifies and audits every request.
type Service struct {
	store    store.Store
	settings Settings
	engine   Engine // the configured engine; nil when builtin is configured but not built in
	offline  Engine // nil when no offline engine is built in
	audit    *AuditLog
	log      *slog.Logger
	now      func() time.Time

	// The provider status is what this process has seen; servers sharing
	// a database each keep their own.
	mu      sync.Mutex
	probe   *ProbeResult // last provider probe
	lastErr *failure     // last provider failure seen by Ask
}

type failure struct {
	at  time.Time
	err error
}

// New builds the service. With Settings of type builtin the engine is the
// offline one, when it is built in.
func New(o Options) (*Service, error) {
	if o.Store == nil || o.Audit == nil {
		return nil, errors.New("ai: a store and an audit log are required")
	}
	s := &Service{store: o.Store, settings: o.Settings, audit: o.Audit, log: o.Log, now: o.Now,
		engine: o.Engine, offline: o.Offline}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.offline == nil {
		s.offline, _ = NewOffline(o.Store)
	}
	if s.engine != nil {
		return s, nil
	}
	if o.Settings.IsBuiltin() {
		s.engine = s.offline
		return s, nil
	}
	eng, err := NewLLMEngine(o.Settings)
	if err != nil {
		return nil, err
	}
	s.engine = eng
	return s, nil
}

// Settings returns the settings in use.
func (s *Service) Settings() Settings { return s.settings }

// AuditLog returns the audit log every call is recorded in, for the
// features that audit their own calls to an engine.
func (s *Service) AuditLog() *AuditLog { return s.audit }

// Engine returns the configured engine, nil when builtin is configured
// and no offline engine is built in.
func (s *Service) Engine() Engine { return s.engine }

// OfflineAvailable reports whether the offline engine can take over when
// the provider fails or may not receive the content.
func (s *Service) OfflineAvailable() bool { return s.offline != nil && s.engine != s.offline }

// Request is one Ask AI request.
type Request struct {
	Operation Operation
	Audience  Audience
	Format    Format
	Language  string // "" keeps the content's language
	// Text is free text to work on; ObjectID names an object instead.
	Text     string
	ObjectID stix.ID
	// Marking is free text's TLP; nil means TLP:CLEAR.
	Marking *stix.TLP
	// Since and Until ask a report to digest the reports published in
	// [Since, Until) instead of one container.
	Since, Until time.Time
	// Offline asks the offline engine instead of the configured one.
	Offline bool
}

// Answer is the outcome of a request.
type Answer struct {
	Text         string   `json:"text"`
	FinishReason string   `json:"finish_reason"`
	Usage        Usage    `json:"usage"`
	Flags        []Flag   `json:"flags"`
	Engine       string   `json:"engine"`   // provider type, or builtin
	Provider     string   `json:"provider"` // the label, "custom mistralai - open-mistral-7b"
	Model        string   `json:"model"`
	Location     Location `json:"location"`
	// TLP is the answer's level: the highest of the content's effective
	// level and of every knowledge-base object the answer quotes.
	TLP     string `json:"tlp"`
	AuditID int64  `json:"audit_id"`
	// Chunks is how many pieces the content was worked over in: 1 when
	// it fit the model's context window.
	Chunks int `json:"chunks"`
}

// Ask runs a request for viewer v, streaming the answer's text to emit
// (which may be nil) as it is produced. Nothing is written to any stored
// object. Every call, refused or failed ones included, is audited.
func (s *Service) Ask(
	ctx context.Context,
	v store.Viewer,
	req Request,
	emit func(string) error,
) (Answer, error) {
	if !s.settings.Enabled {
		return Answer{}, ErrDisabled
	}
	if !v.CanWrite() {
		return Answer{}, ErrForbidden
	}
	j, err := s.prepare(ctx, v, req)
	if err != nil {
		return Answer{}, err
	}
	eng, err := s.pick(req)
	if err != nil {
		return Answer{}, err
	}
	entry := s.entry(v, req, j, eng)
	if err := s.guard(eng, j.level()); err != nil {
		entry.Outcome = OutcomeRefused
		if _, aerr := s.audit.Record(context.WithoutCancel(ctx), entry); aerr != nil {
			return Answer{}, aerr
		}
		return Answer{}, err
	}
	return s.runAudited(ctx, eng, j, entry, emit)
}

// pick chooses the engine of a request.
func (s *Service) pick(req Request) (Engine, error) {
	if req.Offline || s.engine == nil {
		if s.offline == nil {
			return nil, ErrNoOffline
		}
		return s.offline, nil
	}
	return s.engine, nil
}

// guard refuses content above the provider's TLP limit. The offline
// engine sends nothing anywhere and takes everything.
func (s *Service) guard(eng Engine, content stix.TLP) error {
	if eng == s.offline || content <= s.settings.MaxTLP {
		return nil
	}
	return &RefusedError{
		Content:  content,
		Limit:    s.settings.MaxTLP,
		Provider: s.settings.Label(),
		Location: s.settings.Location,
	}
}

// entry starts the audit entry of a request.
func (s *Service) entry(v store.Viewer, req Request, j *job, eng Engine) Entry {
	e := Entry{At: s.now(), User: v.Name, Operation: req.Operation, ObjectIDs: j.ids, Engine: eng.Name(),
		Model: eng.Model(), TLP: j.level(), Location: Local, Chunks: 1}
	if eng != s.offline {
		e.EndpointHost, e.Location = s.settings.EndpointHost(), s.settings.Location
	}
	return e
}

// runAudited runs the job and records its audit entry.
func (s *Service) runAudited(
	ctx context.Context,
	eng Engine,
	j *job,
	e Entry,
	emit func(string) error,
) (Answer, error) {
	start := time.Now()
	out, err := s.execute(ctx, eng, j, emit)
	e.Duration = time.Since(start).Milliseconds()
	e.BytesSent, e.BytesReceived, e.Chunks = out.sent, out.received, max(out.chunks, 1)
	if s.settings.AuditContent {
		e.ContentSent, e.ContentReceived = strings.Join(out.sentText, "\n\n-----\n\n"), out.text
	}
	e.TLP, e.Outcome = max(e.TLP, out.tlp), outcome(err)
	if err != nil && eng != s.offline && !errors.Is(err, context.Canceled) {
		s.noteFailure(err)
	}
	id, aerr := s.audit.Record(context.WithoutCancel(ctx), e)
	if err != nil {
		return Answer{}, fmt.Errorf("ai: %s: %w", eng.Name(), err)
	}
	if aerr != nil {
		return Answer{}, aerr
	}
	return s.answer(eng, out, id), nil
}

// answer is what the caller gets of a successful run.
func (s *Service) answer(eng Engine, out runOutput, id int64) Answer {
	a := Answer{Text: out.text, FinishReason: out.res.FinishReason, Usage: out.res.Usage, Flags: out.flags,
		Engine: eng.Name(), Model: out.res.Model, Location: Local, TLP: out.tlp.String(), AuditID: id,
		Chunks: max(out.chunks, 1), Provider: "builtin - offline engine"}
	if a.Model == "" {
		a.Model = eng.Model()
	}
	if eng != s.offline {
		a.Provider, a.Location = s.settings.Label(), s.settings.Location
	}
	if a.Flags == nil {
		a.Flags = []Flag{}
	}
	return a
}

// outcome is the audit outcome of an error.
func outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, context.Canceled), llm.KindOf(err) == llm.KindCanceled:
		return OutcomeCanceled
	case llm.KindOf(err) != llm.KindUnknown:
		return "error: " + strings.ReplaceAll(llm.KindOf(err).String(), " ", "_")
	}
	return "error"
}

func (s *Service) noteFailure(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = &failure{at: s.now(), err: err}
}

package ai

import (
	"context"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm"
)

// StatusTTL is how long GET /api/v1/ai/status reuses a probe; "Test
// connection" always probes anew.
const StatusTTL = 15 * time.Second

// ProbeTimeout bounds one probe, whatever the AI timeouts say: a status
// page must not hang for the ten minutes a long answer may take.
const ProbeTimeout = 30 * time.Second

// ProbeResult is a provider probe with its diagnosis.
type ProbeResult struct {
	llm.Status
	Diagnosis llm.Diagnosis
}

// Status is the state of Ask AI, for GET /api/v1/ai/status and doctor.
type Status struct {
	Enabled  bool     `json:"enabled"`
	Type     string   `json:"type"`
	Model    string   `json:"model"`
	Label    string   `json:"label"`
	Location Location `json:"location"`
	MaxTLP   string   `json:"max_tlp"`
	// OK is true when the provider is reachable and has the model (or the
	// offline engine is in use); Reason says why not, Fix what to do.
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
	Fix    string `json:"fix,omitempty"`

	Reachable      bool       `json:"reachable"`
	ModelAvailable bool       `json:"model_available"`
	LatencyMS      int64      `json:"latency_ms"`
	ContextLength  int        `json:"context_length,omitempty"`
	ContextSource  string     `json:"context_source,omitempty"`
	Checked        *time.Time `json:"checked,omitempty"`
	// LastError is the last provider failure an Ask AI request met.
	LastError        *LastError `json:"last_error,omitempty"`
	OfflineAvailable bool       `json:"offline_available"`
}

// LastError is a past provider failure, in plain words.
type LastError struct {
	At      time.Time `json:"at"`
	Problem string    `json:"problem"`
}

// Status reports the provider's state, probing it when fresh is true or
// the last probe is older than StatusTTL.
func (s *Service) Status(ctx context.Context, fresh bool) Status {
	st := Status{Enabled: s.settings.Enabled, Type: s.settings.Type, Label: s.settings.Label(),
		Location: s.settings.Location, MaxTLP: s.settings.MaxTLP.String(), OfflineAvailable: s.OfflineAvailable()}
	if s.engine != nil {
		st.Model = s.engine.Model()
	}
	s.lastFailure(&st)
	switch {
	case !s.settings.Enabled:
		st.Reason = "Ask AI is turned off (AI__ENABLED=false)."
		return st
	case s.engine == nil:
		st.Reason = "The offline engine is configured (AI__TYPE empty or builtin) but not built into this binary."
		st.Fix = "Set AI__TYPE to a provider, or use a build that includes the offline engine."
		return st
	case s.engine == s.offline:
		st.OK, st.Reachable, st.ModelAvailable = true, true, true
		st.Location, st.MaxTLP = Local, "TLP:RED"
		st.Reason = "The offline engine answers without a model; nothing leaves this machine."
		return st
	}
	p := s.probeResult(ctx, fresh)
	st.OK, st.Reachable, st.ModelAvailable = p.OK(), p.Reachable, p.ModelAvailable
	st.LatencyMS = p.Latency.Milliseconds()
	st.ContextLength, st.ContextSource = p.Model.ContextLength, p.Model.Source
	if s.settings.ContextLength > 0 {
		st.ContextLength, st.ContextSource = s.settings.ContextLength, "AI__CONTEXT_LENGTH"
	}
	checked := p.Checked
	st.Checked = &checked
	if st.OK {
		st.Reason = "The provider answered and has the model."
		return st
	}
	st.Reason, st.Fix = SafeProblem(p.Diagnosis), p.Diagnosis.Fix
	return st
}

// Probe contacts the provider now and returns the result with its
// diagnosis; the offline engine needs no probe and gets a zero result.
func (s *Service) Probe(ctx context.Context) ProbeResult {
	return s.probeResult(ctx, true)
}

func (s *Service) probeResult(ctx context.Context, fresh bool) ProbeResult {
	s.mu.Lock()
	cached := s.probe
	s.mu.Unlock()
	if !fresh && cached != nil && s.now().Sub(cached.Checked) < StatusTTL {
		return *cached
	}
	eng, ok := s.engine.(*LLMEngine)
	if !ok {
		return ProbeResult{}
	}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	p := ProbeResult{Status: eng.Client().Probe(ctx)}
	p.Diagnosis = llm.Diagnose(s.settings.LLM, p.Err)
	s.mu.Lock()
	s.probe = &p
	s.mu.Unlock()
	return p
}

func (s *Service) lastFailure(st *Status) {
	s.mu.Lock()
	f := s.lastErr
	s.mu.Unlock()
	if f == nil {
		return
	}
	st.LastError = &LastError{At: f.at, Problem: SafeProblem(llm.Diagnose(s.settings.LLM, f.err))}
}

// SafeProblem is a diagnosis's problem when it is built from the settings
// alone, and a fixed sentence when it would quote the provider's own text,
// which is for the log, not for users.
func SafeProblem(d llm.Diagnosis) string {
	switch d.Kind {
	case llm.KindBadRequest:
		return "The provider rejected the request."
	case llm.KindProtocol:
		return "The provider's answer was not a valid reply stream."
	case llm.KindUnknown:
		if d.Problem == "" {
			return ""
		}
		return "The AI provider could not be used."
	}
	return d.Problem
}

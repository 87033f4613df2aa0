package kb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Operation is the audit name of a knowledge-base question.
const Operation ai.Operation = "question"

// MaxQuestionBytes bounds a question; MaxHistory the earlier turns kept.
const (
	MaxQuestionBytes = 4000
	MaxHistory       = 10
)

// Service answers questions from the knowledge base, through Ask AI's
// settings, TLP limit and audit log.
type Service struct {
	AI        *ai.Service
	Audit     *ai.AuditLog
	Retriever *Retriever
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Turn is an earlier exchange of a conversation. Only its question and
// the ids its answer cited are used: the answer's text is not sent again,
// since the server cannot tell what it holds.
type Turn struct {
	Question string    `json:"question"`
	Answer   string    `json:"answer,omitempty"`
	Cited    []stix.ID `json:"cited,omitempty"`
}

// Request is one question.
type Request struct {
	Question string
	History  []Turn
	// Offline asks the offline engine, which answers with the retrieved
	// facts themselves.
	Offline bool
	// WithinLimit retrieves only what the provider may receive (at most
	// its TLP limit) instead of refusing when a fact is above it.
	WithinLimit bool
}

// Answer is the outcome of a question.
type Answer struct {
	ai.Answer
	// Answered is false when the knowledge base held nothing relevant
	// and no engine was asked.
	Answered  bool       `json:"answered"`
	Citations []Citation `json:"citations"` // the facts the answer cites, each checked
	Retrieved []Citation `json:"retrieved"` // every fact retrieved, cited or not
	Unknown   []string   `json:"unknown,omitempty"`
}

// Ask answers req for v, streaming text to emit (which may be nil). Every
// call, refused ones included, is audited as operation "question".
func (s *Service) Ask(
	ctx context.Context,
	v store.Viewer,
	req Request,
	emit func(string) error,
) (Answer, error) {
	settings := s.AI.Settings()
	switch {
	case !settings.Enabled:
		return Answer{}, ai.ErrDisabled
	case !v.CanWrite():
		return Answer{}, ai.ErrForbidden
	}
	req.Question = strings.TrimSpace(req.Question)
	if req.Question == "" || len(req.Question) > MaxQuestionBytes {
		return Answer{}, fmt.Errorf(
			"%w: a question of 1 to %d bytes is required",
			ai.ErrInput,
			MaxQuestionBytes,
		)
	}
	if len(req.History) > MaxHistory {
		req.History = req.History[len(req.History)-MaxHistory:]
	}
	llmEng, offline := s.engine(req)
	asker := v
	if req.WithinLimit && !offline && settings.MaxTLP < asker.Clearance {
		asker.Clearance = settings.MaxTLP
	}
	ret, err := s.Retriever.Retrieve(ctx, asker, query(req))
	if err != nil {
		return Answer{}, err
	}
	run := &turn{svc: s, v: v, req: req, ret: ret, llm: llmEng, emit: emit, start: time.Now()}
	return run.answer(ctx)
}

// engine returns the LLM engine to ask, or offline true for the offline
// answer.
func (s *Service) engine(req Request) (*ai.LLMEngine, bool) {
	if req.Offline {
		return nil, true
	}
	eng, ok := s.AI.Engine().(*ai.LLMEngine)
	return eng, !ok
}

func query(req Request) Query {
	q := Query{Question: req.Question, Limit: 12}
	for _, t := range req.History {
		q.Context = append(q.Context, t.Question)
		q.ContextIDs = append(q.ContextIDs, t.Cited...)
	}
	return q
}

// turn is one question being answered.
type turn struct {
	svc   *Service
	v     store.Viewer
	req   Request
	ret   *Retrieval
	llm   *ai.LLMEngine // nil for the offline answer
	emit  func(string) error
	start time.Time
}

func (t *turn) answer(ctx context.Context) (Answer, error) {
	given, tlp := t.facts()
	e := t.entry(tlp)
	if !t.ret.Relevant {
		return t.finish(ctx, e, notKnown(t.ret), nil, nil, false)
	}
	if t.llm == nil {
		text := offlineAnswer(t.req.Question, t.ret.Hits, t.names())
		cited := make([]Citation, 0, len(given))
		for _, h := range t.ret.Hits {
			cited = append(cited, given[h.Object.ID])
		}
		return t.finish(ctx, e, text, cited, nil, true)
	}
	settings := t.svc.AI.Settings()
	if tlp > settings.MaxTLP {
		e.Outcome = ai.OutcomeRefused
		if _, err := t.svc.Audit.Record(context.WithoutCancel(ctx), e); err != nil {
			return Answer{}, err
		}
		return Answer{}, &ai.RefusedError{
			Content:  tlp,
			Limit:    settings.MaxTLP,
			Provider: settings.Label(),
			Location: settings.Location,
		}
	}
	return t.ask(ctx, e, given)
}

// ask sends the facts to the model, streams its answer and checks its
// citations.
func (t *turn) ask(ctx context.Context, e ai.Entry, given map[stix.ID]Citation) (Answer, error) {
	settings := t.svc.AI.Settings()
	msgs := messages(t.req.Question, t.req.History, t.ret.Hits)
	for _, m := range msgs {
		e.BytesSent += len(m.Content)
	}
	if settings.AuditContent {
		e.ContentSent = msgs[0].Content + "\n\n-----\n\n" + msgs[1].Content
	}
	resp, err := t.llm.Client().Chat(ctx, llm.Request{Messages: msgs, MaxTokens: settings.MaxTokens}, t.emit)
	e.BytesReceived = len(resp.Text)
	if err != nil {
		e.Outcome = outcome(err)
		e.Duration = time.Since(t.start).Milliseconds()
		if _, aerr := t.svc.Audit.Record(context.WithoutCancel(ctx), e); aerr != nil {
			return Answer{}, aerr
		}
		return Answer{}, fmt.Errorf("kb: %s: %w", t.llm.Name(), err)
	}
	text, cited, flags := checkCitations(resp.Text, given)
	if len(cited) == 0 {
		flags = append(flags, ai.Flag{Kind: ai.FlagUnknownReference,
			Message: "the answer cites none of the facts retrieved; check it against them"})
	}
	if resp.FinishReason == "length" {
		flags = append(
			flags,
			ai.Flag{
				Kind:    ai.FlagTruncated,
				Message: "the answer stopped at its token limit (AI__MAX_TOKENS)",
			},
		)
	}
	a, err := t.finish(ctx, e, text, cited, flags, true)
	a.FinishReason, a.Model = resp.FinishReason, resp.Model
	a.Usage = ai.Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if a.Model == "" {
		a.Model = t.llm.Model()
	}
	return a, err
}

// facts lists what was retrieved, as citable facts, with the highest
// level among them.
func (t *turn) facts() (map[stix.ID]Citation, stix.TLP) {
	given := map[stix.ID]Citation{}
	var tlp stix.TLP
	for _, h := range t.ret.Hits {
		given[h.Object.ID] = Citation{
			ID:   h.Object.ID,
			Type: h.Object.Type,
			Name: displayName(h),
			TLP:  h.Object.EffectiveTLP.String(),
		}
		tlp = max(tlp, h.Object.EffectiveTLP)
		for _, l := range h.Links {
			if _, ok := given[l.ID]; !ok && l.Type != "contains" {
				given[l.ID] = Citation{
					ID:   l.ID,
					Type: "relationship",
					Name: l.Type,
					TLP:  h.Object.EffectiveTLP.String(),
				}
			}
		}
	}
	return given, tlp
}

// names maps the ids of hits and link ends to names, for the offline answer.
func (t *turn) names() map[stix.ID]string {
	m := map[stix.ID]string{}
	for _, h := range t.ret.Hits {
		m[h.Object.ID] = displayName(h)
	}
	return m
}

// entry starts the audit entry of the question.
func (t *turn) entry(tlp stix.TLP) ai.Entry {
	settings := t.svc.AI.Settings()
	now := time.Now
	if t.svc.Now != nil {
		now = t.svc.Now
	}
	e := ai.Entry{At: now(), User: t.v.Name, Operation: Operation, TLP: tlp, Engine: ai.Builtin,
		Location: ai.Local, Chunks: 1, Outcome: ai.OutcomeOK}
	for _, h := range t.ret.Hits {
		e.ObjectIDs = append(e.ObjectIDs, h.Object.ID)
	}
	if t.llm != nil && t.ret.Relevant {
		e.Engine, e.Model = t.llm.Name(), t.llm.Model()
		e.EndpointHost, e.Location = settings.EndpointHost(), settings.Location
	}
	return e
}

// finish emits text when no model streamed it, audits and builds the answer.
func (t *turn) finish(
	ctx context.Context,
	e ai.Entry,
	text string,
	cited []Citation,
	flags []ai.Flag,
	answered bool,
) (Answer, error) {
	if (t.llm == nil || !answered) && t.emit != nil {
		if err := t.emit(text); err != nil {
			return Answer{}, fmt.Errorf("kb: emit: %w", err)
		}
	}
	e.Duration = time.Since(t.start).Milliseconds()
	if e.BytesReceived == 0 {
		e.BytesReceived = len(text)
	}
	if t.svc.AI.Settings().AuditContent {
		e.ContentReceived = text
	}
	id, err := t.svc.Audit.Record(context.WithoutCancel(ctx), e)
	if err != nil {
		return Answer{}, err
	}
	a := Answer{
		Answer: ai.Answer{Text: text, FinishReason: "stop", Flags: flags, Engine: e.Engine, Model: e.Model,
			Location: e.Location, TLP: e.TLP.String(), AuditID: id, Chunks: 1, Provider: "builtin - offline engine"},
		Answered:  answered,
		Citations: cited,
		Retrieved: t.retrieved(),
		Unknown:   t.ret.Unknown,
	}
	if t.llm != nil && answered {
		a.Provider = t.svc.AI.Settings().Label()
	}
	if a.Flags == nil {
		a.Flags = []ai.Flag{}
	}
	if a.Citations == nil {
		a.Citations = []Citation{}
	}
	return a, nil
}

func (t *turn) retrieved() []Citation {
	out := make([]Citation, 0, len(t.ret.Hits))
	for _, h := range t.ret.Hits {
		out = append(
			out,
			Citation{
				ID:   h.Object.ID,
				Type: h.Object.Type,
				Name: displayName(h),
				TLP:  h.Object.EffectiveTLP.String(),
			},
		)
	}
	return out
}

// outcome is the audit outcome of a provider error.
func outcome(err error) string {
	switch {
	case errors.Is(err, context.Canceled), llm.KindOf(err) == llm.KindCanceled:
		return ai.OutcomeCanceled
	case llm.KindOf(err) != llm.KindUnknown:
		return "error: " + strings.ReplaceAll(llm.KindOf(err).String(), " ", "_")
	}
	return "error"
}

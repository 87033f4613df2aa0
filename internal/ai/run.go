package ai

import (
	"context"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
)

// minContentTokens is the least content one request must be able to
// carry for chunking to make sense.
const minContentTokens = 128

// maxReduceDepth bounds how many rounds of combining notes a map-reduce
// run makes before its final step.
const maxReduceDepth = 3

// runOutput is what running a job produced, for the answer and the audit.
type runOutput struct {
	res      Result // the final step's result, with the usage of every step
	text     string // the answer as shown: sanitized, indicator table included
	flags    []Flag
	chunks   int
	sent     int      // bytes of every prompt given to the engine
	received int      // bytes of every answer received, partial ones included
	sentText []string // the prompts, kept for the audit with AI__AUDIT_CONTENT
	sources  []Fact   // what the engine drew on besides its tasks
	tlp      stix.TLP // the answer's level: of its input and every source
}

// runner runs the steps of one job against one engine.
type runner struct {
	eng       Engine
	emit      func(string) error
	maxTokens int
	keepSent  bool
	out       runOutput
	shown     strings.Builder // what reached the caller
}

// execute runs a job: the engine's steps, then the checks of the answer
// and the indicator table.
func (s *Service) execute(
	ctx context.Context,
	eng Engine,
	j *job,
	emit func(string) error,
) (runOutput, error) {
	r := &runner{eng: eng, emit: emit, maxTokens: s.settings.MaxTokens, keepSent: s.settings.AuditContent}
	err := r.run(ctx, j.task)
	r.out.text = r.shown.String()
	if err != nil {
		return r.out, err
	}
	r.out.tlp = j.level()
	for _, f := range r.out.sources {
		r.out.tlp = max(r.out.tlp, f.TLP)
	}
	factsTxt, ids := factsText(groundFacts(j.task, r.out.sources))
	v := verifier{op: j.task.Operation, input: j.task.Content, facts: factsTxt, factIDs: ids}
	r.out.flags = append(v.check(r.out.text), j.flags...)
	if r.out.res.FinishReason == "length" {
		r.out.flags = append(
			r.out.flags,
			Flag{Kind: FlagTruncated, Message: "the answer stopped at its token limit (AI__MAX_TOKENS)"},
		)
	}
	if j.table {
		if tbl := renderTable(indicatorRows(j.items), j.task.Format); tbl != "" {
			if err := r.deliver(tbl); err != nil {
				return r.out, err
			}
		}
	}
	r.out.text = r.shown.String()
	return r.out, nil
}

// run answers t, over chunks when the engine has a context window that
// the content does not fit.
func (r *runner) run(ctx context.Context, t Task) error {
	r.out.chunks = 1
	w, ok := r.eng.(Windowed)
	if !ok {
		_, err := r.call(ctx, t, true)
		return err
	}
	window, err := w.ContextWindow(ctx)
	if err != nil {
		return err
	}
	t, b, err := fit(t, window, r.maxTokens)
	if err != nil {
		return err
	}
	if EstimateTokens(t.Content) <= b.Content {
		t.MaxTokens = b.Answer
		_, err := r.call(ctx, t, true)
		return err
	}
	parts := splitText(t.Content, b.Content)
	r.out.chunks = len(parts)
	if t.Operation.rewrites() {
		return r.rewriteParts(ctx, t, parts, b)
	}
	notes, err := r.mapParts(ctx, t, parts, b)
	if err != nil {
		return err
	}
	return r.reduce(ctx, t, notes, window, 0)
}

// fit budgets t in the window. When the facts leave too little room for
// content, they move into the content, to be chunked with it.
func fit(t Task, window, maxTokens int) (Task, Budget, error) {
	b := planBudget(t.Operation, window, maxTokens, promptTokens(t))
	if b.Content >= minContentTokens {
		return t, b, nil
	}
	if facts := renderFacts(t.Facts); facts != "" {
		t.Content = "Facts:\n" + facts + "\n\n" + t.Content
		t.Facts = &Facts{Since: t.Facts.Since, Until: t.Facts.Until}
		b = planBudget(t.Operation, window, maxTokens, promptTokens(t))
	}
	if b.Content < minContentTokens {
		return t, b, fmt.Errorf("%w (%d tokens)", ErrWindowTooSmall, window)
	}
	return t, b, nil
}

// promptTokens estimates everything t sends but its content.
func promptTokens(t Task) int {
	t.Content = ""
	return EstimateTokens(systemPrompt(t) + userPrompt(t))
}

// rewriteParts rewrites each chunk in turn, streaming each rewrite.
func (r *runner) rewriteParts(ctx context.Context, t Task, parts []string, b Budget) error {
	for i, p := range parts {
		if i > 0 {
			if err := r.deliver(separator(parts[i-1])); err != nil {
				return err
			}
		}
		pt := t
		pt.Content, pt.MaxTokens = strings.TrimSpace(p), b.Answer
		pt.Part = &Part{Index: i + 1, Count: len(parts)}
		if _, err := r.call(ctx, pt, true); err != nil {
			return err
		}
	}
	return nil
}

// separator is the break a chunk ended with, put back between rewrites.
func separator(prev string) string {
	switch {
	case strings.HasSuffix(prev, "\n\n"):
		return "\n\n"
	case strings.HasSuffix(prev, "\n"):
		return "\n"
	}
	return " "
}

// mapParts writes notes on each chunk.
func (r *runner) mapParts(ctx context.Context, t Task, parts []string, b Budget) ([]string, error) {
	notes := make([]string, 0, len(parts))
	for i, p := range parts {
		pt := t
		pt.Content, pt.MaxTokens = p, b.Answer
		pt.Part = &Part{Index: i + 1, Count: len(parts)}
		res, err := r.call(ctx, pt, false)
		if err != nil {
			return nil, err
		}
		notes = append(
			notes,
			fmt.Sprintf("Notes on part %d of %d:\n%s", i+1, len(parts), strings.TrimSpace(res.Text)),
		)
	}
	return notes, nil
}

// reduce combines notes into the answer, first merging groups of notes
// when all of them do not fit one request.
func (r *runner) reduce(ctx context.Context, t Task, notes []string, window, depth int) error {
	ct := t
	ct.Content, ct.Part = strings.Join(notes, "\n\n"), &Part{Count: len(notes), Combine: true}
	b := planBudget(t.Operation, window, r.maxTokens, promptTokens(ct))
	if EstimateTokens(ct.Content) <= b.Content || depth >= maxReduceDepth || len(notes) == 1 {
		ct.MaxTokens = b.Answer
		_, err := r.call(ctx, ct, true)
		return err
	}
	groups := groupNotes(notes, b.Content)
	merged := make([]string, 0, len(groups))
	for i, g := range groups {
		gt := t
		gt.Content, gt.MaxTokens = strings.Join(g, "\n\n"), b.Answer
		gt.Part = &Part{Index: i + 1, Count: len(groups)}
		res, err := r.call(ctx, gt, false)
		if err != nil {
			return err
		}
		merged = append(
			merged,
			fmt.Sprintf("Notes on part %d of %d:\n%s", i+1, len(groups), strings.TrimSpace(res.Text)),
		)
	}
	return r.reduce(ctx, t, merged, window, depth+1)
}

// groupNotes packs consecutive notes into groups of at most limit tokens
// (a note larger than limit makes a group of its own).
func groupNotes(notes []string, limit int) [][]string {
	var groups [][]string
	var cur []string
	size := 0
	for _, n := range notes {
		tokens := EstimateTokens(n)
		if len(cur) > 0 && size+tokens > limit {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
		cur, size = append(cur, n), size+tokens
	}
	return append(groups, cur)
}

// call runs one step. With stream, its text reaches the caller as it
// comes; otherwise it is only returned (map steps' notes).
func (r *runner) call(ctx context.Context, t Task, stream bool) (Result, error) {
	r.out.sent += promptBytes(t)
	if r.keepSent {
		r.out.sentText = append(r.out.sentText, systemPrompt(t)+"\n\n"+userPrompt(t))
	}
	streamed := false
	res, err := r.eng.Run(ctx, t, func(d Delta) error {
		r.out.received += len(d.Text)
		streamed = true
		if stream {
			return r.deliver(d.Text)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	r.out.sources = append(r.out.sources, res.Sources...)
	if !streamed {
		r.out.received += len(res.Text)
		if stream {
			if err := r.deliver(res.Text); err != nil {
				return res, err
			}
		}
	}
	usage := r.out.res.Usage
	usage.PromptTokens += res.Usage.PromptTokens
	usage.CompletionTokens += res.Usage.CompletionTokens
	if stream {
		r.out.res = res
	}
	r.out.res.Usage = usage
	return res, nil
}

// deliver sanitizes text and passes it to the caller.
func (r *runner) deliver(text string) error {
	text = Sanitize(text)
	if text == "" {
		return nil
	}
	r.shown.WriteString(text)
	if r.emit == nil {
		return nil
	}
	if err := r.emit(text); err != nil {
		return fmt.Errorf("ai: deliver: %w", err)
	}
	return nil
}

package offline

import (
	"context"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	ai.RegisterOffline(func(st store.Store) ai.Engine { return New(st) })
}

// Engine is the offline engine over one store. It is safe for concurrent
// use.
type Engine struct {
	st   store.Store
	lexs *LexiconCache
}

// New returns the offline engine reading st.
func New(st store.Store) *Engine {
	return &Engine{st: st, lexs: NewLexiconCache(st)}
}

// Name returns "builtin", the AI type of the offline engine.
func (e *Engine) Name() string { return EngineName }

// Model returns "": no model answers.
func (e *Engine) Model() string { return "" }

// Local returns true: nothing leaves the machine.
func (e *Engine) Local() bool { return true }

// Run answers the task and gives the answer to emit paragraph by
// paragraph. The knowledge base is read as t.Viewer; the zero Viewer
// reads only TLP:CLEAR content, so a caller that forgets to set it leaks
// nothing. The result's Sources are the objects whose text, links or
// patterns the answer quotes. The canonical names and ATT&CK ids the
// lexicon gives for names the text wrote are not counted among them.
func (e *Engine) Run(ctx context.Context, t ai.Task, emit func(ai.Delta) error) (ai.Result, error) {
	ans, used, err := e.work(ctx, t.Viewer, t)
	if err != nil {
		return ai.Result{}, err
	}
	text := render(ans, t.Format)
	if emit != nil {
		for piece := range strings.SplitAfterSeq(text, "\n\n") {
			if err := ctx.Err(); err != nil {
				return ai.Result{}, err
			}
			if err := emit(ai.Delta{Text: piece}); err != nil {
				return ai.Result{}, fmt.Errorf("offline: emit: %w", err)
			}
		}
	}
	return ai.Result{Text: text, FinishReason: "stop", Sources: used}, nil
}

// work finds the answer to t for viewer v, before rendering, and the
// knowledge-base objects it drew on.
func (e *Engine) work(ctx context.Context, v store.Viewer, t ai.Task) (*answer, []ai.Fact, error) {
	if strings.TrimSpace(t.Content) == "" && t.Operation != ai.Report {
		return nil, nil, fmt.Errorf("%w: no text to work on", ai.ErrInput)
	}
	lex, err := e.lexs.Get(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	k := newKB(e.st, v)
	text := t.Content
	if text == "" && t.Subject != nil {
		text = t.Subject.Description
	}
	ans, err := e.operate(ctx, k, t, text, lex)
	if err != nil {
		return nil, nil, err
	}
	if lang := strings.ToLower(strings.TrimSpace(t.Language)); lang != "" && lang != "en" &&
		!strings.HasPrefix(lang, "english") {
		ans.notes = append(
			ans.notes,
			"The offline engine writes in English only; it cannot answer in "+t.Language+".",
		)
	}
	return ans, k.used.facts, nil
}

// operate runs the task's operation over text.
func (e *Engine) operate(
	ctx context.Context,
	k kb,
	t ai.Task,
	text string,
	lex *extract.Lexicon,
) (*answer, error) {
	if t.Operation == ai.FixSpelling {
		return fixSpellingAnswer(text, lex), nil
	}
	a := analyze(text, lex)
	var ans *answer
	var err error
	switch t.Operation {
	case ai.Summarize:
		ans = summarize(a)
	case ai.Shorter:
		ans = shorter(a)
	case ai.Longer:
		ans, err = longer(ctx, k, a)
	case ai.Explain:
		ans, err = explain(ctx, k, a)
	case ai.ChangeTone:
		ans, err = changeTone(ctx, k, a, t.Audience)
	case ai.Report:
		ans = report(t, a)
	default:
		return nil, fmt.Errorf("%w: the offline engine has no operation %q", ai.ErrInput, t.Operation)
	}
	return ans, err
}

// fixSpellingAnswer is the corrected text, with the corrections listed
// under the label.
func fixSpellingAnswer(text string, lex *extract.Lexicon) *answer {
	fixed, edits := fixSpelling(text, lex)
	ans := &answer{}
	ans.blocks = append(ans.blocks, block{kind: lines, items: []string{fixed}})
	if len(edits) == 0 {
		ans.notes = append(ans.notes, "No correction was needed.")
		return ans
	}
	ans.notes = append(ans.notes, fmt.Sprintf("Corrections made: %d", len(edits)))
	for _, ed := range edits {
		ans.notes = append(ans.notes, fmt.Sprintf("- %q → %q (%s)", ed.Old, ed.New, ed.Why))
	}
	return ans
}

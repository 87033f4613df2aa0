package ai

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// MaxDigestReports is the most reports one digest covers; a period with
// more is digested over its latest MaxDigestReports and the answer is
// flagged period_capped.
const MaxDigestReports = 200

// job is a request made ready to run: the task, what it may be sent to,
// and what the answer is checked against.
type job struct {
	task  Task
	tlp   stix.TLP        // effective level of everything in the task
	ids   []stix.ID       // the objects the content came from, for the audit
	items []*store.Stored // objects whose indicators end a report
	table bool            // append the indicator table
	flags []Flag          // flags known before the run
}

// level is the highest level of what the task holds: its content's, its
// subject's and each fact's. The TLP guard compares it with the provider's
// limit before anything is sent.
func (j *job) level() stix.TLP {
	l := j.tlp
	if j.task.Subject != nil {
		l = max(l, j.task.Subject.TLP)
	}
	if j.task.Facts != nil {
		for _, f := range j.task.Facts.Objects {
			l = max(l, f.TLP)
		}
	}
	return l
}

// prepare checks a request and gathers what its task needs.
func (s *Service) prepare(ctx context.Context, v store.Viewer, req Request) (*job, error) {
	if _, err := ParseOperation(string(req.Operation)); err != nil {
		return nil, err
	}
	aud, err := ParseAudience(string(req.Audience))
	if err != nil {
		return nil, err
	}
	format, err := ParseFormat(string(req.Format))
	if err != nil {
		return nil, err
	}
	t := Task{
		Operation: req.Operation,
		Audience:  aud,
		Format:    format,
		Language:  strings.TrimSpace(req.Language),
		MaxTokens: s.settings.MaxTokens,
		Viewer:    v,
	}
	digest := !req.Since.IsZero() || !req.Until.IsZero()
	switch {
	case digest && (req.Operation != Report || req.ObjectID != "" || req.Text != ""):
		return nil, fmt.Errorf(
			"%w: a period (since, until) goes with the report operation alone, without text or object",
			ErrInput,
		)
	case digest:
		return s.digestJob(ctx, v, t, req.Since, req.Until)
	case req.ObjectID != "" && req.Text != "":
		return nil, fmt.Errorf("%w: give text or an object, not both", ErrInput)
	case req.ObjectID != "":
		return s.objectJob(ctx, v, t, req.ObjectID)
	case strings.TrimSpace(req.Text) == "":
		return nil, fmt.Errorf("%w: nothing to work on: give text or an object", ErrInput)
	case req.Operation == Report:
		return nil, fmt.Errorf(
			"%w: report drafts from a report, grouping or case (an object) or from a period, not from free text",
			ErrInput,
		)
	}
	t.Content = req.Text
	j := &job{task: t, tlp: stix.TLPClear}
	if req.Marking != nil {
		j.tlp = *req.Marking
	}
	return j, nil
}

// objectJob prepares a task on a stored object.
func (s *Service) objectJob(ctx context.Context, v store.Viewer, t Task, id stix.ID) (*job, error) {
	o, err := s.store.Get(ctx, v, id)
	if err != nil {
		return nil, fmt.Errorf("ai: %s: %w", id, err)
	}
	if t.Operation == Report && !IsReportable(o.Type) {
		return nil, fmt.Errorf(
			"%w: report drafts from a report, grouping or case, not a %s",
			ErrInput,
			o.Type,
		)
	}
	text, err := objectText(ctx, s.store, v, o)
	if err != nil {
		return nil, err
	}
	subject := factOf(o)
	t.Subject, t.Content = &subject, text
	j := &job{task: t, tlp: o.EffectiveTLP, ids: []stix.ID{o.ID}}
	if t.Operation != Report {
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("%w: %s has no description or text to work on", ErrInput, o.ID)
		}
		return j, nil
	}
	facts, items, err := containerFacts(ctx, s.store, v, o)
	if err != nil {
		return nil, err
	}
	facts.Objects = append([]Fact{subject}, facts.Objects...)
	j.task.Facts, j.items, j.table = facts, items, true
	return j, nil
}

// digestJob prepares a digest of the reports published in [since, until).
func (s *Service) digestJob(
	ctx context.Context,
	v store.Viewer,
	t Task,
	since, until time.Time,
) (*job, error) {
	if until.IsZero() {
		until = s.now()
	}
	if !since.Before(until) {
		return nil, fmt.Errorf("%w: the period's start must come before its end", ErrInput)
	}
	reports, err := s.reportsIn(ctx, v, since, until)
	if err != nil {
		return nil, err
	}
	if len(reports) == 0 {
		return nil, fmt.Errorf("%w: no report was published from %s to %s", ErrInput,
			since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	j := &job{task: t, table: true}
	if len(reports) > MaxDigestReports {
		j.flags = append(j.flags, Flag{Kind: FlagPeriodCapped, Message: fmt.Sprintf(
			"the period holds %d reports; this digest covers the latest %d", len(reports), MaxDigestReports)})
		reports = reports[len(reports)-MaxDigestReports:]
	}
	facts := &Facts{Since: since, Until: until}
	var content strings.Builder
	seen := map[stix.ID]bool{}
	for _, r := range reports {
		f := factOf(r)
		f.Description = "" // the content carries it in full
		facts.Objects = append(facts.Objects, f)
		j.ids = append(j.ids, r.ID)
		j.tlp = max(j.tlp, r.EffectiveTLP)
		fmt.Fprintf(
			&content,
			"## %s, published %s [%s]\n%s\n\n",
			r.Name,
			reportDate(r).Format("2006-01-02"),
			r.ID,
			r.Description,
		)
		if err := s.addItems(ctx, v, j, r.ID, seen); err != nil {
			return nil, err
		}
	}
	j.task.Facts, j.task.Content = facts, strings.TrimSpace(content.String())
	return j, nil
}

// addItems adds a report's contents to the job's indicator table.
func (s *Service) addItems(
	ctx context.Context,
	v store.Viewer,
	j *job,
	id stix.ID,
	seen map[stix.ID]bool,
) error {
	items, err := s.store.Contents(ctx, v, id)
	if err != nil {
		return fmt.Errorf("ai: contents of %s: %w", id, err)
	}
	for _, o := range items {
		if !seen[o.ID] {
			seen[o.ID] = true
			j.items = append(j.items, o)
		}
	}
	return nil
}

// reportsIn lists the visible reports published (or, without a published
// date, created) in [since, until), oldest first.
func (s *Service) reportsIn(
	ctx context.Context,
	v store.Viewer,
	since, until time.Time,
) ([]*store.Stored, error) {
	var out []*store.Stored
	q := store.Query{Types: []string{"report"}, Limit: 1000}
	for {
		page, err := s.store.Search(ctx, v, q)
		if err != nil {
			return nil, fmt.Errorf("ai: list reports: %w", err)
		}
		for _, r := range page.Objects {
			if d := reportDate(r); !d.Before(since) && d.Before(until) {
				out = append(out, r)
			}
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	sort.SliceStable(out, func(i, k int) bool { return reportDate(out[i]).Before(reportDate(out[k])) })
	return out, nil
}

func reportDate(r *store.Stored) time.Time {
	if !r.Published.IsZero() {
		return r.Published
	}
	return r.Created
}

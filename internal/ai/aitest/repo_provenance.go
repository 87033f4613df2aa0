package aitest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/stix"
)

const provObject = stix.ID("malware--2c8ad27a-4f26-4a0c-a35e-3f2e0b5c5d1a")

// apply records an audit entry and an application of its text to provObject.
func apply(
	t *testing.T,
	r *ai.AuditLog,
	repo ai.Repository,
	prev, next string,
	when time.Time,
) ai.Provenance {
	t.Helper()
	ctx := context.Background()
	audit := record(t, r, ai.Entry{At: when, User: "ana", Operation: ai.Longer, Engine: "ollama", Model: "m",
		Outcome: ai.OutcomeOK, ObjectIDs: []stix.ID{provObject}})
	p := ai.Provenance{ObjectID: provObject, Field: ai.FieldDescription, Mode: ai.ModeReplace, AuditID: audit,
		Model: "m", PreviousText: prev, NewText: next, AppliedBy: "ana", AppliedAt: when}
	var err error
	if p.ID, err = repo.AddProvenance(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func provenanceLifecycle(t *testing.T, r *ai.AuditLog, repo ai.Repository) {
	ctx := context.Background()
	first := apply(t, r, repo, "", "first AI text", at)
	second := apply(t, r, repo, "first AI text", "second AI text", at.Add(time.Minute))
	reviewed, restored := at.Add(2*time.Minute), at.Add(3*time.Minute)
	if err := repo.MarkReviewed(ctx, first.ID, "bo", reviewed.In(time.FixedZone("EST", -5*3600))); err != nil {
		t.Fatal(err)
	}
	if err := repo.MarkRestored(ctx, second.ID, "cy", restored); err != nil {
		t.Fatal(err)
	}
	first.ReviewedBy, first.ReviewedAt = "bo", &reviewed
	second.RestoredBy, second.RestoredAt = "cy", &restored
	got, err := r.Provenance(ctx, provObject)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ai.Provenance{second, first}, got); diff != "" {
		t.Errorf("provenance (-want +got):\n%s", diff)
	}
	none, err := r.Provenance(ctx, "malware--00000000-0000-4000-8000-000000000000")
	if err != nil || len(none) != 0 {
		t.Errorf("provenance of an object without AI text: %v %v", none, err)
	}
}

func latestInForce(t *testing.T, r *ai.AuditLog, repo ai.Repository) {
	ctx := context.Background()
	if _, err := repo.LatestProvenance(ctx, provObject); !errors.Is(err, ai.ErrNoProvenance) {
		t.Fatalf("latest with no application: %v, want ErrNoProvenance", err)
	}
	first := apply(t, r, repo, "", "one", at)
	second := apply(t, r, repo, "one", "two", at.Add(time.Second))
	if got, err := repo.LatestProvenance(ctx, provObject); err != nil || got.ID != second.ID {
		t.Errorf("latest: %d %v, want %d", got.ID, err, second.ID)
	}
	if err := repo.MarkRestored(ctx, second.ID, "ana", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := repo.LatestProvenance(ctx, provObject); err != nil || got.ID != first.ID {
		t.Errorf("latest after restoring the newest: %d %v, want %d", got.ID, err, first.ID)
	}
	if err := repo.MarkRestored(ctx, first.ID, "ana", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.LatestProvenance(ctx, provObject); !errors.Is(err, ai.ErrNoProvenance) {
		t.Errorf("latest after restoring both: %v, want ErrNoProvenance", err)
	}
}

func deleteProvenance(t *testing.T, r *ai.AuditLog, repo ai.Repository) {
	ctx := context.Background()
	p := apply(t, r, repo, "", "one", at)
	if err := repo.DeleteProvenance(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := repo.DeleteProvenance(ctx, p.ID); err != nil {
		t.Errorf("deleting it again: %v, want no error", err)
	}
	if got, err := r.Provenance(ctx, provObject); err != nil || len(got) != 0 {
		t.Errorf("provenance after delete: %v %v", got, err)
	}
}

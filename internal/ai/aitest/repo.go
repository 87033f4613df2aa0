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

// TestRepository is the suite every ai.Repository passes: the SQLite and
// PostgreSQL stores' tests run it. open returns an empty repository.
func TestRepository(t *testing.T, open func(t *testing.T) ai.Repository) {
	cases := []struct {
		name string
		fn   func(t *testing.T, r *ai.AuditLog, repo ai.Repository)
	}{
		{"an entry reads back as it was recorded, content and ids included", entryRoundTrip},
		{"an unknown audit id is ErrNoAudit", unknownEntry},
		{"listing is newest first, by user, before a cursor and up to a limit", listAudit},
		{"provenance reads back newest first with its review and restore", provenanceLifecycle},
		{"the latest application in force skips restored ones", latestInForce},
		{"a deleted application is gone", deleteProvenance},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := open(t)
			c.fn(t, ai.NewAuditLog(repo), repo)
		})
	}
}

// at is a fixed time to the microsecond, the precision repositories keep.
var at = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

func record(t *testing.T, r *ai.AuditLog, e ai.Entry) int64 {
	t.Helper()
	id, err := r.Record(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func entryRoundTrip(t *testing.T, r *ai.AuditLog, _ ai.Repository) {
	want := ai.Entry{At: at.In(time.FixedZone("CET", 3600)), User: "ana@example.org", Operation: ai.Summarize,
		ObjectIDs: []stix.ID{"report--a", "malware--b"}, Engine: "ollama", Model: "llama3.1:8b",
		EndpointHost: "127.0.0.1:11434", Location: ai.Local, TLP: stix.TLPAmber, BytesSent: 1 << 20,
		BytesReceived: 512, Duration: 1234, Outcome: ai.OutcomeOK, Chunks: 3,
		ContentSent: "sent «text»", ContentReceived: "received\ntext"}
	want.ID = record(t, r, want)
	got, err := r.Get(context.Background(), want.ID)
	if err != nil {
		t.Fatal(err)
	}
	want.At, want.TLPName = at, "TLP:AMBER"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry (-recorded +read):\n%s", diff)
	}
	bare := ai.Entry{At: at, User: "bo", Operation: ai.Explain, Engine: "builtin", Outcome: ai.OutcomeRefused}
	bare.ID = record(t, r, bare)
	got, err = r.Get(context.Background(), bare.ID)
	if err != nil {
		t.Fatal(err)
	}
	bare.ObjectIDs, bare.TLPName = []stix.ID{}, "TLP:CLEAR"
	if diff := cmp.Diff(bare, got); diff != "" {
		t.Errorf("entry without ids or content (-recorded +read):\n%s", diff)
	}
}

func unknownEntry(t *testing.T, r *ai.AuditLog, _ ai.Repository) {
	if _, err := r.Get(context.Background(), 424242); !errors.Is(err, ai.ErrNoAudit) {
		t.Errorf("Get of an unknown id: %v, want ErrNoAudit", err)
	}
}

func listAudit(t *testing.T, r *ai.AuditLog, _ ai.Repository) {
	var ids []int64
	for i, user := range []string{"ana", "bo", "ana", "ana", "bo"} {
		ids = append(ids, record(t, r, ai.Entry{At: at.Add(time.Duration(i) * time.Second), User: user,
			Operation: ai.Shorter, Engine: "builtin", Outcome: ai.OutcomeOK}))
	}
	cases := []struct {
		name string
		q    ai.AuditQuery
		want []int64
	}{
		{"every entry", ai.AuditQuery{}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"one user's", ai.AuditQuery{User: "ana"}, []int64{ids[3], ids[2], ids[0]}},
		{"before a cursor", ai.AuditQuery{Before: ids[3]}, []int64{ids[2], ids[1], ids[0]}},
		{
			"a user's, before a cursor, two at most",
			ai.AuditQuery{User: "ana", Before: ids[4], Limit: 2},
			[]int64{ids[3], ids[2]},
		},
		{"a user with none", ai.AuditQuery{User: "cy"}, nil},
	}
	for _, c := range cases {
		entries, err := r.List(context.Background(), c.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, e := range entries {
			got = append(got, e.ID)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

package offline

import (
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/sqlite"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

func TestLexiconCacheRebuildsWhenNamedObjectsChange(t *testing.T) {

	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.ImportJSON(t, st, malwareJSON("malware--0a3f8c8e-3a55-4e43-9f53-2c4f0a1b0001", "Gootkit", "T-Gootkit"))
	c := NewLexiconCache(st)
	c.CheckEvery = 0
	found := func(text string) []string {
		lex, err := c.Get(ctx, store.LocalAdmin)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range lex.Entities(text) {
			names = append(names, e.Name)
		}
		return names
	}
	const text = "Gootkit dropped Qakbot, also called T-Gootkit by some."
	if got := found(text); len(got) != 1 || got[0] != "Gootkit" {
		t.Fatalf("before the import: entities %q, want [Gootkit]", got)
	}
	storetest.ImportJSON(t, st, malwareJSON("malware--0a3f8c8e-3a55-4e43-9f53-2c4f0a1b0002", "Qakbot", "QBot"))
	if got := found(text); len(got) != 2 || got[1] != "Qakbot" {
		t.Errorf("after the import: entities %q, want [Gootkit Qakbot]", got)
	}
}

func TestLexiconCacheRebuildsWhenTooOld(t *testing.T) {

	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := NewLexiconCache(st)
	first, err := c.Get(ctx, store.LocalAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.Get(ctx, store.LocalAdmin); again != first {
		t.Error("a fresh lexicon was rebuilt")
	}
	c.MaxAge = time.Nanosecond
	time.Sleep(time.Millisecond)
	if again, _ := c.Get(ctx, store.LocalAdmin); again == first {
		t.Error("a lexicon older than MaxAge was kept")
	}
}

func malwareJSON(id, name, alias string) string {
	return `{"type":"malware","spec_version":"2.1","id":"` + id + `","created":"2024-01-01T00:00:00Z",` +
		`"modified":"2024-01-01T00:00:00Z","name":"` + name + `","aliases":["` + alias + `"],"is_family":true}`
}

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/storetest"
)

// fixedViewer authenticates every request as one viewer.
type fixedViewer struct{ v store.Viewer }

func (f fixedViewer) Viewer(*http.Request) (store.Viewer, error) { return f.v, nil }

func newServer(t *testing.T, v store.Viewer) (*httptest.Server, store.Store) {
	t.Helper()
	db := openTestStore(t)
	s := &api.Server{Store: db, Auth: fixedViewer{v}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := httptest.NewServer(s.Routes())
	t.Cleanup(srv.Close)
	return srv, db
}

func getJSON(t *testing.T, url string, wantStatus int, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d: %s", url, resp.StatusCode, wantStatus, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v in %s", url, err, body)
		}
	}
}

func TestImportThenQueryOverHTTP(t *testing.T) {
	data, err := os.ReadFile("../../../shared/data/cti-documentation/apt1.json")
	if err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	srv, _ := newServer(t, store.LocalAdmin)
	resp, err := http.Post(srv.URL+"/api/v1/bundles", "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var sum ingest.Summary
	json.NewDecoder(resp.Body).Decode(&sum)
	resp.Body.Close()
	if resp.StatusCode != 200 || sum.Created != 76 {
		t.Fatalf("import: status %d, summary %+v", resp.StatusCode, sum)
	}

	var list struct {
		Objects []map[string]any `json:"objects"`
		Next    string           `json:"next"`
	}
	getJSON(t, srv.URL+"/api/v1/objects?q=comment+crew&type=intrusion-set", 200, &list)
	if len(list.Objects) != 1 || list.Objects[0]["name"] != "APT1" {
		t.Fatalf("search by alias: %v", list.Objects)
	}
	id := list.Objects[0]["id"].(string)

	var view struct {
		Object         map[string]any   `json:"object"`
		Relationships  []map[string]any `json:"relationships"`
		Containers     []map[string]any `json:"containers"`
		RelatedReports []map[string]any `json:"related_reports"`
	}
	getJSON(t, srv.URL+"/api/v1/objects/"+id, 200, &view)
	if view.Object["id"] != id || len(view.Relationships) == 0 || len(view.Containers) != 1 {
		t.Errorf("object view lacks its neighbourhood: %d relationships, %d containers", len(view.Relationships), len(view.Containers))
	}

	getJSON(t, srv.URL+"/api/v1/objects?type=indicator&limit=5", 200, &list)
	if len(list.Objects) != 5 || list.Next == "" {
		t.Errorf("a first page of 5 indicators with a next cursor: %d, %q", len(list.Objects), list.Next)
	}
	getJSON(t, srv.URL+"/api/v1/objects?type=indicator&limit=5&cursor="+url.QueryEscape(list.Next), 200, &list)
	if len(list.Objects) != 5 {
		t.Errorf("second page: %d", len(list.Objects))
	}
}

func TestNULInsideAnObjectIsKeptAndImported(t *testing.T) {
	srv, db := newServer(t, store.LocalAdmin)
	body := `{"type":"malware","spec_version":"2.1","id":"malware--2485b844-4efe-4343-84c8-eb33312dd56f",
		"created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","is_family":true,
		"name":"Null\u0000Byte","labels":["a\u0000b"]}`
	resp, err := http.Post(srv.URL+"/api/v1/bundles", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	o, err := db.Get(context.Background(), store.LocalAdmin, "malware--2485b844-4efe-4343-84c8-eb33312dd56f")
	if err != nil || !strings.Contains(string(o.Raw), `Null\u0000Byte`) {
		t.Errorf("the stored JSON lost its NUL escape: %v %s", err, o.Raw)
	}
}

func TestExportedBundleReimportsOnItsOwn(t *testing.T) {
	data, err := os.ReadFile("../../../shared/data/cti-documentation/apt1.json")
	if err != nil {
		t.Skipf("real data not available (%v): it lives in ../shared beside the checkout", err)
	}
	srv, db := newServer(t, store.LocalAdmin)
	storetest.ImportJSON(t, db, string(data))
	resp, err := http.Get(srv.URL + "/api/v1/objects/report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf/bundle")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/stix+json") {
		t.Errorf("content type %q", ct)
	}
	fresh := openTestStore(t)
	sum, err := ingest.Bundle(context.Background(), fresh, bytes.NewReader(body), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The report, its 75 contents, and the authors the indicators name.
	if sum.Created < 76 || len(sum.Skipped) > 0 || sum.DanglingRefs != 0 {
		t.Errorf("exported bundle is not self-contained: %+v", sum)
	}
}

func TestErrorsSayWhatAndHideWhatIsHidden(t *testing.T) {
	green := store.Viewer{Name: "green", Clearance: stix.TLPGreen, Role: store.RoleAnalyst}
	srv, db := newServer(t, green)
	storetest.LoadClearanceFixture(t, db)
	cases := []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"a hidden object is not found", "GET", "/api/v1/objects/" + string(storetest.FixtureRed), "", 404, "not found"},
		{"an unknown object is not found the same way", "GET", "/api/v1/objects/malware--00000000-0000-4000-8000-000000000000", "", 404, "not found"},
		{"the export of a hidden container is not found", "GET", "/api/v1/objects/" + string(storetest.FixtureMixedReport) + "/bundle", "", 404, "not found"},
		{"input that is not JSON says where", "POST", "/api/v1/bundles", `{"type": "bundle", "objects": [ {"a": 1,, } ]}`, 400, "byte"},
		{"a bad marking is refused", "POST", "/api/v1/bundles?marking=TLP:PURPLE", `[]`, 400, "unknown TLP level"},
		{"a bad date filter says which", "GET", "/api/v1/objects?created_after=yesterday", "", 400, "created_after"},
		{"a forged cursor is refused", "GET", "/api/v1/objects?cursor=zz!", "", 400, "cursor"},
		{"an unknown endpoint is not found", "GET", "/api/v1/nothing", "", 404, "no such endpoint"},
		{"a wrong method is not allowed, naming the right ones", "DELETE", "/api/v1/objects", "", 405, "use GET"},
		{"reading the import endpoint is not allowed", "GET", "/api/v1/bundles", "", 405, "use POST"},
		{"an id that is not a STIX id is not found", "GET", "/api/v1/objects/%00", "", 404, "not found"},
		{"an id of invalid UTF-8 is not found", "GET", "/api/v1/objects/%ff/bundle", "", 404, "not found"},
		{"a filter holding a NUL is refused by name", "GET", "/api/v1/objects?label=%00", "", 400, "label holds bytes"},
		{"a marking that is neither a level nor an id is refused", "GET", "/api/v1/objects?marking=PURPLE", "", 400, "marking"},
		{"an author that is not an id is refused", "GET", "/api/v1/objects?created_by=me", "", 400, "created_by"},
		{"a bundle with no objects array is refused", "POST", "/api/v1/bundles", `{"type":"bundle","objects":5}`, 400, "not an array"},
		{"an empty body is refused", "POST", "/api/v1/bundles", "", 400, "input is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != c.status || !strings.Contains(e.Error.Message, c.message) {
				t.Errorf("status %d message %q, want %d and %q", resp.StatusCode, e.Error.Message, c.status, c.message)
			}
		})
	}
	var counts struct{ Counts map[string]int }
	getJSON(t, srv.URL+"/api/v1/counts", 200, &counts)
	if counts.Counts["intrusion-set"] != 0 {
		t.Errorf("counts show a hidden object: %v", counts.Counts)
	}
}

func TestASlowUploadDoesNotHoldOtherImports(t *testing.T) {
	srv, _ := newServer(t, store.LocalAdmin)
	pr, pw := io.Pipe()
	slow := make(chan int, 1)
	go func() {
		resp, err := http.Post(srv.URL+"/api/v1/bundles", "application/json", pr)
		if err != nil {
			slow <- 0
			return
		}
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	pw.Write([]byte(`[{"type":"identity","spec_version":"2.1",`)) // the rest comes later
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/v1/bundles",
		strings.NewReader(`{"type":"identity","spec_version":"2.1","id":"identity--8c6af861-7b20-41ef-9b59-6344fd872a8f",
		"created":"2016-08-08T15:50:10.983Z","modified":"2016-08-08T15:50:10.983Z","name":"Quick"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("an import waited for a client still sending its body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("quick import: status %d", resp.StatusCode)
	}
	pw.Write([]byte(`"id":"identity--023d105b-752e-4e3c-941c-7d3f3cb15e9e","created":"2016-08-08T15:50:10.983Z",
		"modified":"2016-08-08T15:50:10.983Z","name":"Slow"}]`))
	pw.Close()
	if code := <-slow; code != 200 {
		t.Errorf("slow import: status %d", code)
	}
}

func TestUploadedFileNamesKeepOnlyTheirLastElement(t *testing.T) {
	cases := map[string]string{
		"../../etc/passwd":          "passwd",
		`..\..\windows\evil.txt`:    "evil.txt",
		"..":                        "document",
		"":                          "document",
		"report\u202etxt.exe":       "reporttxt.exe",
		"advisory 2024 (final).pdf": "advisory 2024 (final).pdf",
	}
	for in, want := range cases {
		if got := api.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

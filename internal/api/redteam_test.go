package api_test

// Bad input that the API already handles correctly, found by a red-team
// pass over bundles, documents and query parameters. Each case is a hostile
// or careless request; the test pins that it gets a clear 4xx that says
// what and where, that nothing stored is lost or half-written, and that no
// internal error text reaches the client.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// The red-team tests run on both backends, like every test of the package.
func init() {
	for name, fn := range map[string]func(*testing.T){
		"TestRedteamBrokenBundlesAreRefusedWithWhereAndWriteNothing":                TestRedteamBrokenBundlesAreRefusedWithWhereAndWriteNothing,
		"TestRedteamInvalidObjectsAreSkippedWithIndexIDAndReasonAndTheRestImported": TestRedteamInvalidObjectsAreSkippedWithIndexIDAndReasonAndTheRestImported,
		"TestRedteamTheNewestVersionWinsWhenOneBundleHoldsAnIDThreeTimes":           TestRedteamTheNewestVersionWinsWhenOneBundleHoldsAnIDThreeTimes,
		"TestRedteamBadMarkingsAndReadOnlyViewersCannotImport":                      TestRedteamBadMarkingsAndReadOnlyViewersCannotImport,
		"TestRedteamQueryParametersOfTheWrongTypeAreRefusedByName":                  TestRedteamQueryParametersOfTheWrongTypeAreRefusedByName,
		"TestRedteamMalformedObjectPathsAreNotFound":                                TestRedteamMalformedObjectPathsAreNotFound,
		"TestRedteamBadDocumentsAreRefusedAndNothingIsStored":                       TestRedteamBadDocumentsAreRefusedAndNothingIsStored,
		"TestRedteamHostileHTMLIsStoredAsTextAndOnlyEverDownloaded":                 TestRedteamHostileHTMLIsStoredAsTextAndOnlyEverDownloaded,
	} {
		apiTests[name] = fn
	}
}

// redteamIndicator is a valid STIX 2.1 indicator numbered n, with extra
// members (`"key":value` pairs) appended.
func redteamIndicator(n int, extra ...string) string {
	o := fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--%08d-0000-4000-8000-00000000beef",`+
		`"created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"rt%d",`+
		`"pattern":"[ipv4-addr:value = '198.51.100.%d']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"`,
		n, n, n%256)
	for _, e := range extra {
		o += "," + e
	}
	return o + "}"
}

// redteamDo sends one request and returns its status and body.
func redteamDo(t *testing.T, method, u, contentType string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// redteamTotal is the number of objects the counts endpoint shows.
func redteamTotal(t *testing.T, base string) int {
	t.Helper()
	var c struct{ Counts map[string]int }
	getJSON(t, base+"/api/v1/counts", 200, &c)
	n := 0
	for _, v := range c.Counts {
		n += v
	}
	return n
}

// redteamErr decodes the API's error shape and checks that it leaks no
// internal detail.
func redteamErr(t *testing.T, body []byte) (code, message string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not the API's JSON error: %v: %.300s", err, body)
	}
	low := strings.ToLower(string(body))
	for _, leak := range []string{"sqlite", "sql:", "select ", "/tmp/", "goroutine", "panic", ".go:"} {
		if strings.Contains(low, leak) {
			t.Errorf("error body leaks %q: %.300s", leak, body)
		}
	}
	return e.Error.Code, e.Error.Message
}

func TestRedteamBrokenBundlesAreRefusedWithWhereAndWriteNothing(t *testing.T) {
	srv, _ := newServer(t, store.LocalAdmin)
	seed := "[" + redteamIndicator(1) + "]"
	if status, _, body := redteamDo(t, "POST", srv.URL+"/api/v1/bundles", "application/json", strings.NewReader(seed)); status != 200 {
		t.Fatalf("seed import: %d %s", status, body)
	}
	var many []string
	for i := 100; i < 600; i++ {
		many = append(many, redteamIndicator(i))
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	cases := []struct {
		name, body string
		message    []string // substrings the message must hold
	}{
		{"text that is not JSON is refused at its first byte", "hello world\n",
			[]string{"byte 0", "invalid character 'h'"}},
		{"a bundle cut off in the middle of an object is refused as ending early",
			`{"type":"bundle","objects":[` + redteamIndicator(2) + `,` + redteamIndicator(3)[:60],
			[]string{"object 1", "unexpected end of input"}},
		{"a bare number is refused as not a bundle", "5", []string{"input holds a number"}},
		{"a bare string is refused as not a bundle", `"objects"`, []string{"input holds a string"}},
		{"null is refused as not a bundle", "null", []string{"input holds null"}},
		{"an array of arrays is refused naming the element", `[[{"type":"x-a"}]]`, []string{"element 0 is an array"}},
		{"an array of numbers is refused naming the element", `[1,2,3]`, []string{"element 0 is a number"}},
		{"an array holding null is refused naming the element", `[null]`, []string{"element 0 is null"}},
		// A duplicate key spoils only its own object, which is skipped with
		// the key named (stix.TestDecoderAcceptsAByteOrderMarkAndReportsDuplicatesPerObject).
		{"invalid UTF-8 inside a string is refused",
			"[" + redteamIndicator(6, "\"description\":\"bad \xff\xfe bytes\"") + "]",
			[]string{"object 0", "invalid UTF-8"}},
		{"a hundred thousand levels of nesting inside an object are refused",
			"[" + redteamIndicator(7, `"x_deep":`+deep) + "]",
			[]string{"object 0", "exceeded max depth"}},
		{"a hundred thousand levels of nesting at the top are refused", deep, []string{"exceeded max depth"}},
		{"garbage after a complete bundle is refused",
			`{"type":"bundle","objects":[` + redteamIndicator(8) + `]} garbage`, []string{"invalid character 'g'"}},
		{"a number after a complete object is refused", redteamIndicator(9) + " 5", []string{"input holds a number"}},
		{"five hundred good objects followed by a broken one write none of them",
			`{"type":"bundle","objects":[` + strings.Join(many, ",") + `,{"type": oops}]}`,
			[]string{"object 500", "invalid character 'o'"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := redteamTotal(t, srv.URL)
			status, _, body := redteamDo(t, "POST", srv.URL+"/api/v1/bundles", "application/json", strings.NewReader(c.body))
			code, msg := redteamErr(t, body)
			if status != 400 || code != "bad_input" {
				t.Errorf("status %d code %q, want 400 bad_input: %.300s", status, code, body)
			}
			for _, want := range c.message {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
			if after := redteamTotal(t, srv.URL); after != before {
				t.Errorf("a refused bundle changed the store: %d objects before, %d after", before, after)
			}
		})
	}
	getJSON(t, srv.URL+"/api/v1/objects/indicator--00000001-0000-4000-8000-00000000beef", 200, nil)
}

func TestRedteamInvalidObjectsAreSkippedWithIndexIDAndReasonAndTheRestImported(t *testing.T) {
	srv, _ := newServer(t, store.LocalAdmin)
	objs := []struct {
		raw    string
		reason string // "" when the object must be imported
	}{
		{redteamIndicator(10), ""},
		{strings.Replace(redteamIndicator(11), `"spec_version":"2.1"`, `"spec_version":"2.2"`, 1), `spec_version "2.2"`},
		{strings.Replace(redteamIndicator(12), "00000012-0000-4000-8000-00000000beef", "not-a-uuid", 1), "is not a UUID"},
		{strings.Replace(redteamIndicator(13), `"created":"2020-01-01T00:00:00.000Z"`, `"created":"2020-01-01T00:00:00+01:00"`, 1), "is not in UTC"},
		{strings.Replace(redteamIndicator(14), `"created":"2020-01-01T00:00:00.000Z"`, `"created":"2020-01-01T00:00:00"`, 1), "is not in UTC"},
		{strings.Replace(redteamIndicator(15), `"modified":"2020-01-01T00:00:00.000Z"`, `"modified":"2019-01-01T00:00:00.000Z"`, 1), "is before created"},
		{redteamIndicator(16, `"created_by_ref":"not an id"`), `created_by_ref: "not an id" is not a STIX identifier`},
		{redteamIndicator(17, `"object_refs":["x"]`), `object_refs: "x" is not a STIX identifier`},
		{redteamIndicator(18, `"created_by_ref":"malware--00000000-0000-4000-8000-000000000000"`), `created_by_ref: "malware--`},
		{redteamIndicator(19, `"confidence":101`), "confidence 101 is above 100"},
		{`{"type":"x","id":"x--00000000-0000-4000-8000-000000000000"}`, "not a valid STIX type name"},
		{`{"type":"intrusion-set","spec_version":"2.1","id":"intrusion-set--00000020-0000-4000-8000-00000000beef","created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z"}`,
			`missing required property "name"`},
		{`{"type":"malware","id":"indicator--00000021-0000-4000-8000-00000000beef"}`, "does not match type"},
		{`{}`, `missing required property "type"`},
		{redteamIndicator(22), ""},
	}
	var raws []string
	wantCreated := 0
	for _, o := range objs {
		raws = append(raws, o.raw)
		if o.reason == "" {
			wantCreated++
		}
	}
	status, _, body := redteamDo(t, "POST", srv.URL+"/api/v1/bundles", "application/json",
		strings.NewReader(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-00000000beef","objects":[`+strings.Join(raws, ",")+`]}`))
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var sum struct {
		Created int
		Skipped []struct {
			Index  int
			ID     string
			Reason string
		}
	}
	if err := json.Unmarshal(body, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Created != wantCreated {
		t.Errorf("created %d, want %d", sum.Created, wantCreated)
	}
	skipped := map[int]string{}
	for _, s := range sum.Skipped {
		skipped[s.Index] = s.Reason
	}
	for i, o := range objs {
		t.Run(fmt.Sprintf("object %d", i), func(t *testing.T) {
			reason, wasSkipped := skipped[i]
			switch {
			case o.reason == "" && wasSkipped:
				t.Errorf("a valid object was skipped: %s", reason)
			case o.reason != "" && !wasSkipped:
				t.Errorf("an invalid object was imported; want it skipped for %q", o.reason)
			case o.reason != "" && !strings.Contains(reason, o.reason):
				t.Errorf("skip reason %q does not say %q", reason, o.reason)
			}
		})
	}
	for _, s := range sum.Skipped {
		if s.Index == 2 && s.ID != "indicator--not-a-uuid" {
			t.Errorf("a skip must name the id it was given: %+v", s)
		}
	}
}

func TestRedteamTheNewestVersionWinsWhenOneBundleHoldsAnIDThreeTimes(t *testing.T) {
	srv, _ := newServer(t, store.LocalAdmin)
	v := func(modified, name string) string {
		return strings.Replace(strings.Replace(redteamIndicator(30), `"modified":"2020-01-01T00:00:00.000Z"`, `"modified":"`+modified+`"`, 1),
			`"name":"rt30"`, `"name":"`+name+`"`, 1)
	}
	body := "[" + v("2020-01-01T00:00:00.000Z", "first") + "," + v("2022-01-01T00:00:00.000Z", "newest") + "," +
		v("2021-01-01T00:00:00.000Z", "middle") + "]"
	status, _, out := redteamDo(t, "POST", srv.URL+"/api/v1/bundles", "application/json", strings.NewReader(body))
	var sum struct{ Created, Updated, Unchanged int }
	json.Unmarshal(out, &sum)
	if status != 200 || sum.Created != 1 || sum.Updated != 1 || sum.Unchanged != 1 {
		t.Fatalf("status %d summary %s, want 1 created, 1 updated, 1 unchanged", status, out)
	}
	var view struct{ Object map[string]any }
	getJSON(t, srv.URL+"/api/v1/objects/indicator--00000030-0000-4000-8000-00000000beef", 200, &view)
	if view.Object["name"] != "newest" {
		t.Errorf("stored version %v, want the newest", view.Object["name"])
	}
}

func TestRedteamBadMarkingsAndReadOnlyViewersCannotImport(t *testing.T) {
	admin, _ := newServer(t, store.LocalAdmin)
	viewer, _ := newServer(t, store.Viewer{Name: "viewer", Role: store.RoleViewer, Clearance: stix.TLPRed})
	good := "[" + redteamIndicator(40) + "]"
	cases := []struct {
		name, base, query string
		status            int
		code, message     string
	}{
		{"an unknown TLP level is refused", admin.URL, "?marking=TLP:PURPLE", 400, "bad_request", `unknown TLP level "TLP:PURPLE"`},
		{"a NUL byte as the marking is refused", admin.URL, "?marking=%00", 400, "bad_request", "unknown TLP level"},
		{"invalid UTF-8 as the marking is refused", admin.URL, "?marking=%ff", 400, "bad_request", "unknown TLP level"},
		{"a marking-definition id is not taken as a TLP level", admin.URL,
			"?marking=marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", 400, "bad_request", "unknown TLP level"},
		{"a viewer may not import", viewer.URL, "", 403, "forbidden", "you may not do this"},
		{"a viewer may not import even with a marking", viewer.URL, "?marking=TLP:RED", 403, "forbidden", "you may not do this"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := redteamTotal(t, c.base)
			status, _, body := redteamDo(t, "POST", c.base+"/api/v1/bundles"+c.query, "application/json", strings.NewReader(good))
			code, msg := redteamErr(t, body)
			if status != c.status || code != c.code || !strings.Contains(msg, c.message) {
				t.Errorf("status %d code %q message %q, want %d %q %q", status, code, msg, c.status, c.code, c.message)
			}
			if after := redteamTotal(t, c.base); after != before {
				t.Errorf("a refused import changed the store: %d → %d", before, after)
			}
		})
	}
}

func TestRedteamQueryParametersOfTheWrongTypeAreRefusedByName(t *testing.T) {
	srv, _ := newServer(t, store.LocalAdmin)
	cases := []struct{ name, query, message string }{
		{"a negative limit", "limit=-1", `limit="-1"`},
		{"a zero limit", "limit=0", `limit="0"`},
		{"a word as the limit", "limit=abc", `limit="abc"`},
		{"a float as the limit", "limit=1e3", `limit="1e3"`},
		{"a limit past 64 bits", "limit=18446744073709551616", "limit="},
		{"a month 13 date", "created_after=2020-13-45", "created_after"},
		{"a year 0 date without time", "created_after=0000-01-01", "created_after"},
		{"an offset of 99 hours", "modified_before=" + url.QueryEscape("2020-01-01T00:00:00+99:00"), "modified_before"},
		{"a cursor that is not base64", "cursor=zz!", "cursor"},
		{"a base64 cursor with negative numbers", "cursor=LTE6LTE%3D", "cursor"},
		{"a base64 cursor past 64 bits", "cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5Ojk5", "cursor"},
		{"a base64 cursor holding SQL", "cursor=" + url.QueryEscape("eDonOyBEUk9QIFRBQkxFIG9iamVjdHM7LS0="), "cursor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := redteamDo(t, "GET", srv.URL+"/api/v1/objects?"+c.query, "", nil)
			code, msg := redteamErr(t, body)
			if status != 400 || code != "bad_request" || !strings.Contains(msg, c.message) {
				t.Errorf("status %d code %q message %q, want 400 naming %q", status, code, msg, c.message)
			}
		})
	}
	t.Run("a huge limit is capped, not refused", func(t *testing.T) {
		var page struct{ Objects []json.RawMessage }
		getJSON(t, srv.URL+"/api/v1/objects?limit=99999999999999", 200, &page)
		if len(page.Objects) > 1000 {
			t.Errorf("%d objects on one page", len(page.Objects))
		}
	})
	t.Run("full-text syntax in q is searched as text, not an error", func(t *testing.T) {
		for _, q := range []string{`"`, `*`, `NEAR(a b)`, `a:b`, "\x00", `AND OR NOT`, strings.Repeat("a", 10000)} {
			getJSON(t, srv.URL+"/api/v1/objects?q="+url.QueryEscape(q), 200, nil)
		}
	})
}

func TestRedteamMalformedObjectPathsAreNotFound(t *testing.T) {
	srv, _ := newServer(t, store.LocalAdmin)
	cases := []struct{ name, path, message string }{
		{"an encoded path traversal", "/api/v1/objects/..%2f..%2fetc%2fpasswd", "not found"},
		{"a lone percent sign", "/api/v1/objects/%25", "not found"},
		{"SQL in the id", "/api/v1/objects/" + url.PathEscape("' OR 1=1--"), "not found"},
		{"a 10 KB id", "/api/v1/objects/malware--" + strings.Repeat("a", 10240), "not found"},
		{"the bundle of a 10 KB id", "/api/v1/objects/" + strings.Repeat("a", 10240) + "/bundle", "not found"},
		{"a path below an object that is no route", "/api/v1/objects/a/b/c", "no such endpoint"},
		{"an unknown version", "/api/v2/objects", "no such endpoint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := redteamDo(t, "GET", srv.URL+c.path, "", nil)
			code, msg := redteamErr(t, body)
			if status != 404 || code != "not_found" || !strings.Contains(msg, c.message) {
				t.Errorf("status %d code %q message %q, want 404 %q", status, code, msg, c.message)
			}
		})
	}
}

// newDocumentServer is newServer with the document routes, finding
// ATT&CK ids only; its store is SQLite, or PostgreSQL within
// TestEveryAPITestOnPostgreSQL.
func newDocumentServer(t *testing.T, v store.Viewer) *httptest.Server {
	t.Helper()
	db := openTestStore(t)
	s := &api.Server{Store: db, Auth: fixedViewer{v}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.EnableDocuments(func(context.Context, store.Viewer) (*extract.Lexicon, error) { return nil, nil })
	srv := httptest.NewServer(s.Routes())
	t.Cleanup(srv.Close)
	return srv
}

// redteamPDF builds a one-page PDF whose page shows text; trailerExtra is
// added to the trailer dictionary.
func redteamPDF(text, trailerExtra string) []byte {
	content := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Filter /Standard /V 1 /R 2 /O (x) /U (x) /P -4 >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, xref)
	return b.Bytes()
}

// redteamMultipart is a multipart form with one file field.
func redteamMultipart(t *testing.T, field, filename string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	return w.FormDataContentType(), &buf
}

func TestRedteamBadDocumentsAreRefusedAndNothingIsStored(t *testing.T) {
	analyst := store.Viewer{Name: "analyst", Role: store.RoleAnalyst, Clearance: stix.TLPRed}
	srv := newDocumentServer(t, analyst)
	viewer := newDocumentServer(t, store.Viewer{Name: "viewer", Role: store.RoleViewer, Clearance: stix.TLPRed})
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 4096)...)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00")
	nested := "<html><body>" + strings.Repeat("<div>", 100000) + "APT1 198.51.100.9" + strings.Repeat("</div>", 100000) + "</body></html>"
	cases := []struct {
		name, base, query string
		body              []byte
		status            int
		code, message     string
	}{
		{"an empty body is refused as empty", srv.URL, "?filename=empty.txt", nil, 400, "bad_document", "document is empty"},
		{"only white space is refused as empty", srv.URL, "?filename=blank.txt", []byte(" \n\t\r\n  "), 400, "bad_document", "document is empty"},
		{"an ELF executable is refused as binary, whatever its name", srv.URL, "?filename=report.pdf", elf, 400, "bad_document", "ELF executable"},
		{"a PNG image is refused as binary, whatever its name", srv.URL, "?filename=notes.md", png, 400, "bad_document", "PNG image"},
		{"NUL bytes in text are refused as binary", srv.URL, "?filename=a.txt", []byte("hello\x00world 198.51.100.1"), 400, "bad_document", "NUL byte"},
		{"an encrypted PDF is refused as encrypted", srv.URL, "?filename=enc.pdf", redteamPDF("APT1 198.51.100.7", "/Encrypt 6 0 R"), 400, "bad_document", "encrypted"},
		{"a PDF without a page tree is refused as corrupt", srv.URL, "?filename=bad.pdf",
			[]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage\x00\x01 trailer << /Root 1 0 R >>\n%%EOF"), 400, "bad_document", "corrupt"},
		{"a PDF cut after its header is refused", srv.URL, "?filename=cut.pdf", redteamPDF("APT1 198.51.100.7", "")[:300], 400, "bad_document", "cut.pdf"},
		{"a hundred thousand nested HTML tags are refused, not parsed forever", srv.URL, "?filename=deep.html", []byte(nested), 400, "bad_document", "deep.html"},
		{"a text larger than 64 MiB is refused as too large", srv.URL, "?filename=big.txt",
			bytes.Repeat([]byte("APT1 used 198.51.100.1 in this long paragraph.\n"), (64<<20)/47+2), 400, "bad_document", "too large"},
		{"a viewer may not upload", viewer.URL, "?filename=a.txt", []byte("APT1 used 198.51.100.1"), 403, "forbidden", "you may not do this"},
		{"an unknown marking is refused before reading the file", srv.URL, "?marking=TLP:PURPLE&filename=a.txt", []byte("APT1 used 198.51.100.1"), 400, "bad_request", "unknown TLP level"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := redteamTotal(t, c.base)
			status, _, body := redteamDo(t, "POST", c.base+"/api/v1/documents"+c.query, "application/octet-stream", bytes.NewReader(c.body))
			code, msg := redteamErr(t, body)
			if status != c.status || code != c.code || !strings.Contains(msg, c.message) {
				t.Errorf("status %d code %q message %q, want %d %q %q", status, code, msg, c.status, c.code, c.message)
			}
			if after := redteamTotal(t, c.base); after != before {
				t.Errorf("a refused document changed the store: %d → %d", before, after)
			}
		})
	}
	t.Run("a form without a file field is refused", func(t *testing.T) {
		ct, body := redteamMultipart(t, "other", "a.txt", []byte("APT1 used 198.51.100.1"))
		status, _, out := redteamDo(t, "POST", srv.URL+"/api/v1/documents", ct, body)
		if _, msg := redteamErr(t, out); status != 400 || !strings.Contains(msg, `no "file" field`) {
			t.Errorf("status %d: %s", status, out)
		}
	})
	t.Run("a multipart content type without a boundary is refused", func(t *testing.T) {
		status, _, out := redteamDo(t, "POST", srv.URL+"/api/v1/documents", "multipart/form-data", strings.NewReader("garbage"))
		if _, msg := redteamErr(t, out); status != 400 || !strings.Contains(msg, "boundary") {
			t.Errorf("status %d: %s", status, out)
		}
	})
}

func TestRedteamHostileHTMLIsStoredAsTextAndOnlyEverDownloaded(t *testing.T) {
	srv := newDocumentServer(t, store.Viewer{Name: "analyst", Role: store.RoleAnalyst, Clearance: stix.TLPRed})
	page := []byte(`<html><head><title>Report</title></head><body>
<h1>Report <img src=x onerror=alert(document.cookie)></h1>
<script>alert('pwned')</script><p onclick="alert(2)">The actor used hxxp://evil[.]example[.]com/payload and 203.0.113[.]8.</p>
<iframe src="javascript:alert(3)"></iframe><a href="javascript:alert(4)">click</a></body></html>`)
	for _, name := range []string{"../../etc/passwd", "/etc/passwd", "..", "."} {
		t.Run("uploaded as "+name, func(t *testing.T) {
			ct, body := redteamMultipart(t, "file", name, page)
			status, _, out := redteamDo(t, "POST", srv.URL+"/api/v1/documents", ct, body)
			if status != 200 {
				t.Fatalf("status %d: %s", status, out)
			}
			var res struct {
				ReportID   string `json:"report_id"`
				Indicators int
			}
			json.Unmarshal(out, &res)
			if res.Indicators < 2 {
				t.Errorf("defanged indicators not found: %s", out)
			}
			status, h, file := redteamDo(t, "GET", srv.URL+"/api/v1/objects/"+res.ReportID+"/document", "", nil)
			if status != 200 || !bytes.Equal(file, page) {
				t.Fatalf("original: status %d, %d bytes", status, len(file))
			}
			cd := h.Get("Content-Disposition")
			if !strings.HasPrefix(cd, "attachment") || strings.Contains(cd, "/") ||
				h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("the original must be a download with a bare name: %v", h)
			}
			var text struct {
				Text     string `json:"text"`
				FileName string `json:"file_name"`
			}
			getJSON(t, srv.URL+"/api/v1/objects/"+res.ReportID+"/text", 200, &text)
			if strings.Contains(text.FileName, "/") {
				t.Errorf("stored file name keeps a directory: %q", text.FileName)
			}
			for _, bad := range []string{"<script", "onerror", "javascript:", "alert('pwned')"} {
				if strings.Contains(text.Text, bad) {
					t.Errorf("extracted text keeps markup %q: %q", bad, text.Text)
				}
			}
		})
	}
}

package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
)

// iocCase is one case of ioc-finder's test suite, converted to JSON.
type iocCase struct {
	ID       string                     `json:"id"`
	Text     string                     `json:"text"`
	Expected map[string]json.RawMessage `json:"expected"`
	Kwargs   map[string]any             `json:"find_iocs_kwargs"`
}

// iocTypes maps ioc-finder's type names to ours; types not here are
// unsupported and counted apart. xmpp_addresses are e-mail-shaped and
// compared with e-mail addresses; urls_complete replaces urls.
var iocTypes = map[string]string{
	"asns": "asn", "attack_tactics": "attack-tactic", "attack_techniques": "attack-technique",
	"bitcoin_addresses": "bitcoin", "monero_addresses": "monero", "cves": "cve",
	"domains": "domain", "email_addresses": "email", "xmpp_addresses": "email",
	"file_paths": "file-path", "ipv4s": "ipv4", "ipv4_cidrs": "ipv4-cidr", "ipv6s": "ipv6",
	"mac_addresses": "mac", "md5s": "md5", "sha1s": "sha1", "sha256s": "sha256",
	"sha512s": "sha512", "registry_key_paths": "registry-key", "urls": "url",
	"urls_complete": "url", "user_agents": "user-agent",
}

// runIOCFinder scores Extract against ioc-finder's cases: per type, an
// indicator we report that the case does not expect is a false positive.
func runIOCFinder(w io.Writer, dataDir string) error {
	b, err := os.ReadFile(filepath.Join(dataDir, "ioc-finder", "find_iocs_cases.json"))
	if err != nil {
		return fmt.Errorf("eval: ioc-finder: %w", err)
	}
	var doc struct {
		Cases []iocCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("eval: ioc-finder: %w", err)
	}
	ts := map[string]*tally{}
	unsupported := map[string]int{}
	skipped, exact := 0, 0
	for _, c := range doc.Cases {
		if len(c.Kwargs) > 0 {
			skipped++
			continue
		}
		want := expectedSets(c.Expected, unsupported)
		got := ourSets(extract.Extract(c.Text, nil))
		ok := true
		for _, typ := range typeUnion(got, want) {
			var t tally
			t.addSets(got[typ], want[typ])
			ok = ok && t.fp == 0 && t.fn == 0
			s := get(ts, typ)
			s.tp, s.fp, s.fn = s.tp+t.tp, s.fp+t.fp, s.fn+t.fn
		}
		if ok {
			exact++
		}
	}
	fmt.Fprintf(w, "ioc-finder cases: %d scored, %d fully right, %d skipped (they set find_iocs options)\n",
		len(doc.Cases)-skipped, exact, skipped)
	printTallies(w, "type", ts)
	fmt.Fprintf(w, "unsupported types (expected values not scored): %s\n\n", formatCounts(unsupported))
	return nil
}

// expectedSets normalises a case's expectations into our type names.
func expectedSets(exp map[string]json.RawMessage, unsupported map[string]int) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	_, hasComplete := exp["urls_complete"]
	for name, raw := range exp {
		typ, ok := iocTypes[name]
		if name == "urls" && hasComplete {
			continue
		}
		values := rawValues(raw)
		if !ok {
			if len(values) > 0 {
				unsupported[name] += len(values)
			}
			continue
		}
		for _, v := range values {
			add(out, typ, normalise(typ, v))
			if typ == "ipv4-cidr" {
				add(out, "ipv4", v[:strings.IndexByte(v, '/')])
			}
		}
	}
	return out
}

// rawValues reads a list of strings, or a map of lists (ATT&CK ids by
// matrix).
func rawValues(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var byMatrix map[string][]string
	_ = json.Unmarshal(raw, &byMatrix)
	for _, l := range byMatrix {
		list = append(list, l...)
	}
	return list
}

// ourSets maps a result to ioc-finder's shape: a CIDR also counts as its
// address, as ioc-finder reports both.
func ourSets(r extract.Result) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, in := range r.Indicators {
		typ := string(in.Kind)
		switch in.Kind {
		case extract.FileName:
			continue // ioc-finder has no file-name type
		case extract.IPv4CIDR:
			add(out, "ipv4", in.Value[:strings.IndexByte(in.Value, '/')])
		case extract.BitcoinAddress:
			typ = "bitcoin"
		case extract.MoneroAddress:
			typ = "monero"
		}
		add(out, typ, normalise(typ, in.Value))
	}
	for _, e := range r.Entities {
		switch e.Kind {
		case "attack-pattern":
			add(out, "attack-technique", e.ExternalID)
		case "x-mitre-tactic":
			add(out, "attack-tactic", e.ExternalID)
		}
	}
	return out
}

// normalise puts an expected or found value in a comparable form.
func normalise(typ, v string) string {
	switch typ {
	case "asn":
		return "AS" + strings.TrimLeft(strings.ToUpper(v), "ASN")
	case "ipv6":
		if a, err := netip.ParseAddr(v); err == nil {
			return a.String()
		}
	case "mac":
		v = strings.ToLower(strings.NewReplacer("-", "", ":", "", ".", "").Replace(v))
	case "email", "domain", "md5", "sha1", "sha256", "sha512":
		return strings.ToLower(v)
	case "url":
		if k := strings.Index(v, "://"); k > 0 {
			return strings.ToLower(v[:k]) + v[k:]
		}
	case "attack-technique", "attack-tactic", "cve":
		return strings.ToUpper(v)
	}
	return v
}

func add(m map[string]map[string]bool, typ, v string) {
	if m[typ] == nil {
		m[typ] = map[string]bool{}
	}
	m[typ][v] = true
}

func typeUnion(a, b map[string]map[string]bool) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func formatCounts(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

package offline

import (
	"context"
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
)

// detectionNotes bounds the techniques whose detection advice is quoted.
const detectionNotes = 10

// operational: the indicator table and detection patterns.
func operational(ctx context.Context, k kb, a *analysis) (*answer, error) {
	ans := &answer{title: "Operational summary"}
	inds := a.found.Indicators
	ans.heading("Indicators")
	if len(inds) == 0 {
		ans.para("The text holds no indicator of compromise.")
	}
	ans.table([]string{"type", "value", "seen", "notes"}, indicatorRows(inds))
	var patterns []string
	for _, ind := range inds {
		if p := stixPattern(ind); p != "" {
			patterns = append(patterns, code(p))
		}
	}
	if len(patterns) > 0 {
		ans.heading("Detection patterns (STIX)")
		ans.list(patterns)
	}
	kbPatterns, err := knownPatterns(ctx, k, a.groups)
	if err != nil {
		return nil, err
	}
	if len(kbPatterns) > 0 {
		ans.heading("Indicators the knowledge base links to what the text names")
		ans.list(kbPatterns)
	}
	notes, err := detectionAdvice(ctx, k, a.groups)
	if err != nil {
		return nil, err
	}
	if len(notes) > 0 {
		ans.heading("Detection advice (ATT&CK)")
		ans.list(notes)
	}
	return ans, nil
}

// indicatorRows returns a table row per indicator.
func indicatorRows(inds []extract.Indicator) [][]string {
	rows := make([][]string, 0, len(inds))
	for _, ind := range inds {
		notes := append([]string(nil), ind.Flags...)
		if ind.Defanged {
			notes = append(notes, "defanged in the text")
		}
		rows = append(
			rows,
			[]string{
				string(ind.Kind),
				code(ind.Value),
				fmt.Sprint(len(ind.Spans)),
				strings.Join(notes, ", "),
			},
		)
	}
	return rows
}

// patternPaths maps indicator kinds to the STIX object path they match.
var patternPaths = map[extract.Kind]string{
	extract.IPv4: "ipv4-addr:value", extract.IPv4CIDR: "ipv4-addr:value",
	extract.IPv6: "ipv6-addr:value", extract.IPv6CIDR: "ipv6-addr:value",
	extract.Domain: "domain-name:value", extract.URL: "url:value",
	extract.Email: "email-addr:value", extract.MAC: "mac-addr:value",
	extract.MD5: "file:hashes.MD5", extract.SHA1: "file:hashes.'SHA-1'",
	extract.SHA256: "file:hashes.'SHA-256'", extract.SHA512: "file:hashes.'SHA-512'",
	extract.FileName: "file:name", extract.RegistryKey: "windows-registry-key:key",
	extract.UserAgent: "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'",
}

// stixPattern returns a STIX 2.1 pattern matching the indicator, "" for
// kinds that have no observable (CVEs, wallets, file paths).
func stixPattern(ind extract.Indicator) string {
	if ind.Kind == extract.ASN {
		return "[autonomous-system:number = " + strings.TrimPrefix(strings.ToUpper(ind.Value), "AS") + "]"
	}
	path, ok := patternPaths[ind.Kind]
	if !ok {
		return ""
	}
	op := "="
	if ind.Kind == extract.IPv4CIDR || ind.Kind == extract.IPv6CIDR {
		op = "ISSUBSET"
	}
	v := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(ind.Value)
	return fmt.Sprintf("[%s %s '%s']", path, op, v)
}

// knownPatterns returns the patterns of knowledge-base indicators that
// indicate the malware, tools and actors the text names.
func knownPatterns(ctx context.Context, k kb, g groups) ([]string, error) {
	var out []string
	var ents []extract.Entity
	for _, l := range [][]extract.Entity{g.malware, g.tools, g.actors, g.campaigns} {
		ents = append(ents, l...)
	}
	for _, e := range ents[:min(len(ents), entitiesLooked)] {
		if e.ID == "" {
			continue
		}
		rels, err := k.relationships(ctx, stix.ID(e.ID))
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if r.RelationshipType != "indicates" || r.Source == nil || r.Source.Type != "indicator" {
				continue
			}
			if p := detailsOf(r.Source).Pattern; p != "" {
				k.used.add(r.Stored)
				k.used.add(r.Source)
				out = append(out, fmt.Sprintf("%s: %s [%s]", e.Name, code(p), code(string(r.Source.ID))))
			}
		}
	}
	return out, nil
}

// detectionAdvice quotes the first sentence of ATT&CK's detection advice
// for each named technique that has some.
func detectionAdvice(ctx context.Context, k kb, g groups) ([]string, error) {
	var out []string
	for _, e := range g.techniques {
		if len(out) == detectionNotes {
			break
		}
		o, err := k.lookup(ctx, e)
		if err != nil {
			return nil, err
		}
		if o == nil {
			continue
		}
		if d := firstSentences(plainDescription(detailsOf(o).Detection), 1); d != "" {
			k.used.add(o)
			out = append(out, fmt.Sprintf("%s: %s [%s]", entityLabel(e), d, code(string(o.ID))))
		}
	}
	return out, nil
}

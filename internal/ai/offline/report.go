package offline

import (
	"fmt"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/extract"
	"github.com/tipster-cti/tipster/internal/stix"
)

// linksShownInReport bounds the relationships a report lists.
const linksShownInReport = 60

// reportSections are the headings of a report, the STIX types under each.
var reportSections = []struct {
	title string
	types []string
}{
	{"Threat actors", []string{"intrusion-set", "threat-actor"}},
	{"Campaigns", []string{"campaign"}},
	{"Malware", []string{"malware"}},
	{"Tools", []string{"tool"}},
	{"Techniques (ATT&CK)", []string{"attack-pattern"}},
	{"Vulnerabilities", []string{"vulnerability"}},
	{"Targets and victims", []string{"identity", "location"}},
	{"Infrastructure", []string{"infrastructure"}},
	{"Mitigations", []string{"course-of-action"}},
}

// report answers the report operation from a container's facts, and
// from its text when it has one. A strategic report leaves out
// indicators and observables.
func report(t ai.Task, a *analysis) *answer {
	ans := &answer{title: "Report"}
	if t.Subject != nil && t.Subject.Name != "" {
		ans.title = "Report: " + t.Subject.Name
	}
	reportHeader(ans, t)
	if picks := summaryPicks(a); len(picks) > 0 {
		ans.heading("Summary")
		var lead []string
		for _, i := range picks {
			if t.Audience != ai.Strategic || a.iocs[i] == 0 {
				lead = append(lead, a.sentenceText(i))
			}
		}
		ans.para(strings.Join(lead, " "))
	}
	var objs []ai.Fact
	var links []ai.Link
	if t.Facts != nil {
		objs, links = t.Facts.Objects, t.Facts.Links
	}
	byType := map[string][]ai.Fact{}
	for _, o := range objs {
		byType[o.Type] = append(byType[o.Type], o)
	}
	for _, s := range reportSections {
		var items []string
		for _, typ := range s.types {
			for _, o := range byType[typ] {
				items = append(items, factLine(o))
			}
		}
		if len(items) > 0 {
			ans.heading(s.title)
			ans.list(items)
		}
	}
	if t.Audience == ai.Strategic {
		links = withoutIndicators(objs, links)
	}
	reportLinks(ans, objs, links)
	if t.Audience != ai.Strategic {
		reportIndicators(ans, a.found.Indicators)
	} else {
		ans.notes = append(ans.notes, "Indicators are left out of a strategic report.")
	}
	if len(objs) == 0 {
		ans.heading("What the text names")
		ans.list(namedItems(a.groups))
	}
	return ans
}

// reportHeader writes the container's kind, date and level.
func reportHeader(ans *answer, t ai.Task) {
	s := t.Subject
	if s == nil {
		return
	}
	line := fmt.Sprintf("A %s [%s], %s", s.Type, code(string(s.ID)), s.TLP)
	if !s.Published.IsZero() {
		line += ", published " + s.Published.Format("2 January 2006")
	}
	if t.Facts != nil {
		line += fmt.Sprintf(
			", holding %d objects and %d relationships",
			len(t.Facts.Objects),
			len(t.Facts.Links),
		)
	}
	ans.para(line + ".")
}

// factLine names a fact with its ids and the start of its description.
func factLine(f ai.Fact) string {
	s := f.Name
	if s == "" {
		s = f.Type
	}
	for _, id := range f.ExternalIDs {
		s += " " + code(id)
	}
	s += " [" + code(string(f.ID)) + "]"
	if d := firstSentences(plainDescription(f.Description), 1); d != "" {
		s += ": " + d
	}
	return s
}

// withoutIndicators drops the links that have an indicator or an
// observable at either end.
func withoutIndicators(objs []ai.Fact, links []ai.Link) []ai.Link {
	typ := map[stix.ID]string{}
	for _, o := range objs {
		typ[o.ID] = o.Type
	}
	ioc := func(id stix.ID) bool { return typ[id] == "indicator" || stix.IsObservable(typ[id]) }
	var out []ai.Link
	for _, l := range links {
		if !ioc(l.Source) && !ioc(l.Target) {
			out = append(out, l)
		}
	}
	return out
}

// reportLinks lists the relationships as sentences.
func reportLinks(ans *answer, objs []ai.Fact, links []ai.Link) {
	name := map[stix.ID]string{}
	for _, o := range objs {
		name[o.ID] = o.Name
	}
	label := func(id stix.ID) string {
		if n := name[id]; n != "" {
			return n
		}
		return code(string(id))
	}
	var items []string
	for _, l := range links {
		if len(items) == linksShownInReport {
			items = append(items, fmt.Sprintf("and %d more", len(links)-linksShownInReport))
			break
		}
		items = append(
			items,
			fmt.Sprintf("%s %s %s", label(l.Source), strings.ReplaceAll(l.Type, "-", " "), label(l.Target)),
		)
	}
	if len(items) > 0 {
		ans.heading("Relationships")
		ans.list(items)
	}
}

// reportIndicators writes the indicators found in the container's text.
// The container's stored indicators and observables are not listed here:
// the Service appends its indicator table, built from the store, to every
// container report.
func reportIndicators(ans *answer, found []extract.Indicator) {
	if len(found) > 0 {
		ans.heading("Indicators in the text")
		ans.table([]string{"type", "value", "seen", "notes"}, indicatorRows(found))
	}
}

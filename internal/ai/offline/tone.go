package offline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
)

// changeTone answers change-tone: the facts of the text restated for the
// audience.
func changeTone(ctx context.Context, k kb, a *analysis, aud ai.Audience) (*answer, error) {
	switch aud {
	case ai.Strategic:
		return strategic(ctx, k, a)
	case ai.Tactical:
		return tactical(ctx, k, a)
	}
	return operational(ctx, k, a)
}

// impactWords mark sentences about consequences.
var impactWords = regexp.MustCompile(
	`(?i)\b(ransoms?|ransomed|encrypt\w*|exfiltrat\w*|steal\w*|stole\w*|stolen|leak\w*|disrupt\w*|destr\w*|wip(e|ed|er|ing)|extort\w*|outage\w*|loss\w*|damag\w*|fraud\w*|espionage|sabotage|impact\w*)\b`,
)

// impactShown bounds the impact sentences of a strategic answer.
const impactShown = 3

// strategic: who, what, whom they target, impact; no indicators.
func strategic(ctx context.Context, k kb, a *analysis) (*answer, error) {
	g := a.groups
	ans := &answer{title: "Strategic summary"}
	ans.heading("Who")
	who := append(labels(g.actors), labels(g.campaigns)...)
	if len(who) == 0 {
		ans.para("The text attributes the activity to no actor or campaign that the knowledge base knows.")
	} else {
		ans.para("Actors and campaigns named: " + strings.Join(who, ", ") + ".")
	}
	ans.heading("What")
	what := append(labels(g.malware), labels(g.tools)...)
	if len(what) > 0 {
		ans.para("Malware and tools named: " + strings.Join(what, ", ") + ".")
	}
	tactics, err := techniqueTactics(ctx, k, a)
	if err != nil {
		return nil, err
	}
	if len(g.techniques) > 0 {
		s := fmt.Sprintf("The text describes %d ATT&CK techniques", len(g.techniques))
		if len(tactics) > 0 {
			s += ", serving these adversary goals: " + strings.Join(tactics, ", ")
		}
		ans.para(s + ".")
	}
	if len(g.cves) > 0 {
		ans.para(fmt.Sprintf("It names %d exploited or relevant vulnerabilities.", len(g.cves)))
	}
	ans.heading("Whom")
	whom := append(sectorNames(g.sectors), names(g.countries)...)
	if len(whom) == 0 {
		ans.para("The text names no sector or country.")
	} else {
		ans.para("Sectors and countries named: " + strings.Join(whom, ", ") + ".")
	}
	ans.heading("Impact")
	impact := a.cleanSentences(
		func(i int) bool { return impactWords.MatchString(a.sentenceText(i)) },
		impactShown,
	)
	if len(impact) == 0 {
		impact = a.cleanSentences(func(int) bool { return true }, impactShown)
	}
	ans.para(strings.Join(impact, " "))
	ans.notes = append(
		ans.notes,
		"Indicators are left out of a strategic answer; ask for the operational tone to see them.",
	)
	return ans, nil
}

// cleanSentences returns, in text order, up to n of the most central
// prose sentences that hold no indicator and satisfy keep.
func (a *analysis) cleanSentences(keep func(int) bool, n int) []string {
	var idx []int
	for i, s := range a.sents {
		if !s.heading && a.iocs[i] == 0 && a.score[i] > 0 && keep(i) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		switch {
		case a.score[x] > a.score[y]:
			return -1
		case a.score[x] < a.score[y]:
			return 1
		}
		return x - y
	})
	idx = idx[:min(n, len(idx))]
	slices.Sort(idx)
	out := make([]string, len(idx))
	for i, k := range idx {
		out[i] = a.sentenceText(k)
	}
	return out
}

// techniqueTactics returns the tactics that the named techniques serve,
// from the knowledge base, in the order first met.
func techniqueTactics(ctx context.Context, k kb, a *analysis) ([]string, error) {
	var out []string
	for _, e := range a.groups.techniques[:min(len(a.groups.techniques), entitiesLooked)] {
		o, err := k.object(ctx, e)
		if err != nil {
			return nil, err
		}
		if o == nil {
			continue
		}
		for _, p := range detailsOf(o).Phases {
			if t := strings.ReplaceAll(p.Phase, "-", " "); !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

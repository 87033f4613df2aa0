package offline

import (
	"context"
	"fmt"
	"strings"
)

// explain answers the explain operation: a plain definition of each
// technique, actor, malware, tool and CVE the text names, from the
// knowledge base, and what the knowledge base links it to.
func explain(ctx context.Context, k kb, a *analysis) (*answer, error) {
	subs, skipped, err := k.subjects(ctx, a.groups)
	if err != nil {
		return nil, err
	}
	ans := &answer{title: "Explanation"}
	if len(subs) == 0 {
		ans.para(
			"The text names no technique, actor, malware, tool or vulnerability that the offline engine recognises, so there is nothing to explain from the knowledge base.",
		)
		return ans, nil
	}
	ans.para("What the names in the text mean, in the words of the knowledge base.")
	var unknown []string
	for _, s := range subs {
		if s.obj == nil {
			unknown = append(unknown, subjectName(s))
			continue
		}
		if err := explainOne(ctx, k, ans, s); err != nil {
			return nil, err
		}
	}
	if len(unknown) > 0 {
		ans.heading("Not in the knowledge base")
		ans.para(
			"The text names these, but the knowledge base has no entry for them: " + strings.Join(
				unknown,
				", ",
			) + ".",
		)
	}
	if skipped > 0 {
		ans.para(fmt.Sprintf("The text names %d more entities, left out to keep the answer short.", skipped))
	}
	return ans, nil
}

// explainOne adds the definition and links of one subject.
func explainOne(ctx context.Context, k kb, ans *answer, s subject) error {
	ans.heading(subjectName(s))
	def := firstSentences(plainDescription(s.obj.Description), 2)
	if def == "" {
		def = "The knowledge base holds it without a description."
	}
	what := kindWords(s.obj.Type)
	if t := detailsOf(s.obj).tactics(); t != "" {
		what += ", serving the tactics " + t
	}
	ans.para(fmt.Sprintf("It is %s. %s [%s]", what, def, code(string(s.obj.ID))))
	groups, err := k.links(ctx, s.obj.ID)
	if err != nil {
		return err
	}
	var items []string
	for _, g := range groups {
		g.use(k)
		items = append(items, g.verb+": "+strings.Join(g.names, ", "))
	}
	if len(items) > 0 {
		ans.para("The knowledge base links it to:")
		ans.list(items)
	}
	return nil
}

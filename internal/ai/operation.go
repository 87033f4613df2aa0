// Package ai is Ask AI: the operations an analyst can ask for (fix
// spelling, shorter, longer, change tone, summarize, explain, report),
// their prompts, token budgets and map-reduce over long content, the TLP
// guard that decides what may leave for which provider, the audit of
// every call, and the Engine interface that the LLM and offline engines
// implement.
package ai

import (
	"fmt"
	"strings"
)

// Operation is what Ask AI is asked to do with a text.
type Operation string

// The operations.
const (
	FixSpelling Operation = "fix-spelling" // correct spelling and grammar, nothing else
	Shorter     Operation = "shorter"      // the same content in fewer words
	Longer      Operation = "longer"       // the same content developed, no new facts
	ChangeTone  Operation = "change-tone"  // rewrite for an audience
	Summarize   Operation = "summarize"    // key points as bullets
	Explain     Operation = "explain"      // plain words for a non-specialist
	Report      Operation = "report"       // finished intelligence from a container
)

// Operations lists every operation in the order menus show them.
var Operations = []Operation{FixSpelling, Shorter, Longer, ChangeTone, Summarize, Explain, Report}

// ParseOperation reads an operation name.
func ParseOperation(s string) (Operation, error) {
	op := Operation(strings.ToLower(strings.TrimSpace(s)))
	for _, o := range Operations {
		if o == op {
			return o, nil
		}
	}
	return "", fmt.Errorf("%w: unknown operation %q (want %s)", ErrInput, s, joinOps())
}

func joinOps() string {
	names := make([]string, len(Operations))
	for i, o := range Operations {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

// rewrites reports whether the operation rewrites the same content, so
// that every indicator of the input must survive in the answer.
func (o Operation) rewrites() bool {
	return o == FixSpelling || o == Shorter || o == ChangeTone || o == Longer
}

// Audience is who an answer is written for.
type Audience string

// The audiences of finished intelligence.
const (
	Strategic   Audience = "strategic"   // executives: risk, impact, decisions
	Tactical    Audience = "tactical"    // defenders: TTPs, detections, mitigations
	Operational Audience = "operational" // analysts and responders: campaigns, actors, infrastructure
)

// ParseAudience reads an audience; "" means Operational.
func ParseAudience(s string) (Audience, error) {
	switch a := Audience(strings.ToLower(strings.TrimSpace(s))); a {
	case "":
		return Operational, nil
	case Strategic, Tactical, Operational:
		return a, nil
	}
	return "", fmt.Errorf("%w: unknown tone %q (want strategic, tactical or operational)", ErrInput, s)
}

// Format is the markup of an answer.
type Format string

// The formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// ParseFormat reads a format; "" means Text.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return Text, nil
	case Text, Markdown, HTML:
		return f, nil
	}
	return "", fmt.Errorf("%w: unknown format %q (want text, markdown or html)", ErrInput, s)
}

package ai

import (
	"strings"
	"unicode/utf8"
)

// BytesPerToken is the conservative size of a token used to budget
// prompts: real tokenizers average about 4 bytes of English per token and
// fewer for other languages and indicators, so 3.5 over-counts a little.
const BytesPerToken = 3.5

// EstimateTokens is the conservative token count of s.
func EstimateTokens(s string) int { return int(float64(len(s))/BytesPerToken) + 1 }

// DefaultContextWindow is assumed when neither AI__CONTEXT_LENGTH, the
// provider nor the table of known models gives one.
const DefaultContextWindow = 4096

// safetyTokens are kept free of the budget for the chat template's own
// tokens, which the estimate does not see.
const safetyTokens = 64

// minAnswerTokens is the least answer a summary, explanation or report
// is given, however small the window.
const minAnswerTokens = 256

// Budget splits a context window between the prompt, the content and the
// answer, in tokens.
type Budget struct {
	Window  int // the model's context window
	Prompt  int // instructions and facts, without the content
	Content int // the most content one request may carry
	Answer  int // the answer's limit, sent as max_tokens
}

// answerRatio is how long a rewrite is relative to its input.
func answerRatio(op Operation) float64 {
	switch op {
	case FixSpelling:
		return 1.15
	case Shorter:
		return 0.7
	case Longer:
		return 2.2
	case ChangeTone:
		return 1.3
	}
	return 0
}

// planBudget computes the budget of t's operation in a window of window
// tokens, answers bounded by maxTokens. prompt is the estimated size of
// everything sent but the content. Content is 0 when nothing fits.
func planBudget(op Operation, window, maxTokens, prompt int) Budget {
	b := Budget{Window: window, Prompt: prompt}
	free := window - prompt - safetyTokens
	if free <= 0 {
		return b
	}
	if r := answerRatio(op); r > 0 {
		b.Content = int(float64(free) / (1 + r))
		if maxTokens > 0 && float64(b.Content)*r > float64(maxTokens) {
			b.Content = int(float64(maxTokens) / r)
		}
		b.Answer = min(free-b.Content, max(maxTokens, 0))
		if maxTokens <= 0 {
			b.Answer = free - b.Content
		}
		return b
	}
	b.Answer = window / 4
	if b.Answer < minAnswerTokens {
		b.Answer = min(minAnswerTokens, free/2)
	}
	if maxTokens > 0 && maxTokens < b.Answer {
		b.Answer = maxTokens
	}
	b.Answer = min(b.Answer, free)
	b.Content = free - b.Answer
	return b
}

// splitText cuts s into pieces of at most maxTokens estimated tokens,
// preferring paragraph, then line, then sentence, then word boundaries,
// so that no indicator is cut in two. Nothing is dropped: joined, the
// pieces are s.
func splitText(s string, maxTokens int) []string {
	limit := int(float64(maxTokens) * BytesPerToken)
	if limit < 64 {
		limit = 64
	}
	var out []string
	for len(s) > limit {
		cut := cutPoint(s, limit)
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if strings.TrimSpace(s) != "" || len(out) == 0 {
		out = append(out, s)
	} else if len(out) > 0 {
		out[len(out)-1] += s
	}
	return out
}

// cutPoint returns where to end a piece of at most limit bytes.
func cutPoint(s string, limit int) int {
	window := s[:limit]
	for _, sep := range []string{"\n\n", "\n", ". ", " "} {
		if i := strings.LastIndex(window, sep); i >= limit/3 {
			return i + len(sep)
		}
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return limit
}

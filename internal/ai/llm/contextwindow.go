package llm

import "strings"

// knownWindows maps model name prefixes to context windows in tokens, as
// published by their providers. Longer prefixes are tried first.
var knownWindows = []struct {
	prefix string
	tokens int
}{
	{"gpt-4.1", 1_047_576},
	{"gpt-4.5", 128_000},
	{"gpt-4o-mini", 128_000},
	{"gpt-4o", 128_000},
	{"gpt-4-turbo", 128_000},
	{"gpt-4-32k", 32_768},
	{"gpt-4", 8_192},
	{"gpt-3.5-turbo", 16_385},
	{"gpt-5", 400_000},
	{"o1-mini", 128_000},
	{"o1", 200_000},
	{"o3-mini", 200_000},
	{"o3", 200_000},
	{"o4-mini", 200_000},
	{"open-mistral-7b", 32_768},
	{"mistral-tiny", 32_768},
	{"open-mixtral-8x7b", 32_768},
	{"open-mixtral-8x22b", 65_536},
	{"open-mistral-nemo", 131_072},
	{"mistral-small", 131_072},
	{"mistral-medium", 131_072},
	{"mistral-large", 131_072},
	{"ministral-3b", 131_072},
	{"ministral-8b", 131_072},
	{"codestral", 262_144},
	{"pixtral-large", 131_072},
	{"pixtral-12b", 131_072},
}

// ContextWindow returns the context window of a well-known cloud model, 0
// if the model is unknown or local (ask ModelInfo instead). Azure
// deployment names are matched like model names, which holds only when the
// deployment is named after its model.
func ContextWindow(typ Type, model string) int {
	if typ == Ollama {
		return 0
	}
	m := strings.ToLower(strings.TrimSpace(model))
	best, tokens := 0, 0
	for _, k := range knownWindows {
		if strings.HasPrefix(m, k.prefix) && len(k.prefix) > best {
			best, tokens = len(k.prefix), k.tokens
		}
	}
	return tokens
}

package extract

// Result is everything found in one text.
type Result struct {
	Indicators []Indicator // ordered by first occurrence
	Entities   []Entity    // ordered by first occurrence
	// Truncated is set when the text held more than MaxIndicators distinct
	// indicators, so those first seen after the limit are missing from
	// Indicators; a caller should say that the list is incomplete.
	Truncated bool
}

// Extract finds the indicators and entities in text. lex may be nil: then
// entities are only ATT&CK ids found by pattern and the embedded lists of
// countries and sectors.
func Extract(text string, lex *Lexicon) Result {
	ind, truncated := indicators(text)
	return Result{Indicators: ind, Entities: lex.Entities(text), Truncated: truncated}
}

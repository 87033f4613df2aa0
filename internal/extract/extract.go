package extract

// Result is everything found in one text.
type Result struct {
	Indicators []Indicator // ordered by first occurrence
	Entities   []Entity    // ordered by first occurrence
}

// Extract finds the indicators and entities in text. lex may be nil: then
// entities are only ATT&CK ids found by pattern and the embedded lists of
// countries and sectors.
func Extract(text string, lex *Lexicon) Result {
	return Result{Indicators: Indicators(text), Entities: lex.Entities(text)}
}

// Package offline is the Ask AI engine that needs no language model (AI
// type "builtin", the default). It answers every operation with
// deterministic text built from the knowledge base and the extractor:
// central sentences ranked by a similarity graph, the entities and
// indicators the text names, and what the knowledge base says about them,
// each cited by STIX id.
//
// Every answer carries the label "offline engine (no LLM)" so that nobody
// mistakes it for a model's. The package registers itself with package ai
// from init: a binary gets it by importing the package, blank if need be.
//
// docs/offline.md describes each operation; docs/benchmarks/offline.md
// holds the figures measured by Evaluate and the benchmarks.
package offline

// Label names the engine in every answer it writes.
const Label = "offline engine (no LLM)"

// EngineName is the AI type that selects this engine.
const EngineName = "builtin"

package ai

import (
	"context"
	"sync"
	"time"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Engine writes the answer to one Task. Two kinds exist: the LLM engine,
// which sends a prompt to a provider through package llm, and the offline
// engine (package ai/offline, AI type builtin), which needs no model.
//
// The Service around an engine checks TLP, audits, verifies indicators,
// splits long content for engines with a context window and appends the
// indicator table of container reports: an engine does none of that.
type Engine interface {
	// Name is the engine's type as configured: "mistralai", "openai",
	// "ollama", "azureopenai" or "builtin".
	Name() string
	// Model is the model that answers, "" for an engine without one.
	Model() string
	// Local reports whether content stays on infrastructure the operator
	// controls; it decides the default TLP limit.
	Local() bool
	// Run writes the answer, giving each piece of text to emit as it is
	// produced (emit may be nil). An error from emit stops the run and is
	// returned wrapped.
	Run(ctx context.Context, t Task, emit func(Delta) error) (Result, error)
}

// Windowed is implemented by engines whose input is bounded by a context
// window. The Service budgets tokens with it and works over chunks when
// content does not fit; engines without it get the whole content.
type Windowed interface {
	// ContextWindow returns the model's context window in tokens.
	ContextWindow(ctx context.Context) (int, error)
}

// Task is one request to an engine.
type Task struct {
	Operation Operation
	Audience  Audience // for change-tone and report; "" means operational
	Format    Format   // "" means text
	// Language is the language to answer in, as the user wrote it
	// ("French", "de"); "" keeps the language of the content.
	Language string
	// Content is the text to work on: free text, an object's description
	// or a report's text. For a report it may be empty when the container
	// has only facts.
	Content string
	// Subject is the object asked about, nil for free text.
	Subject *Fact
	// Facts are a container's objects and relationships (or, for a
	// digest, the reports of the period), nil for other tasks.
	Facts *Facts
	// Part, when set, says that Content is one chunk of a longer text
	// (map step) or the answers of the chunks (combine step).
	Part *Part
	// MaxTokens bounds the answer; 0 means the engine's default.
	MaxTokens int
	// Viewer is who the task runs for: an engine that reads the knowledge
	// base (the offline engine) must read it as this viewer.
	Viewer store.Viewer
}

// Part places a Task in a map-reduce run.
type Part struct {
	Index, Count int  // 1-based chunk number and the number of chunks
	Combine      bool // Content holds the per-chunk answers to merge
}

// Fact is one STIX object given to an engine as grounding, with its id so
// that an answer can cite it.
type Fact struct {
	ID          stix.ID
	Type        string
	Name        string // name, or an observable's value or an indicator's pattern
	Description string
	Aliases     []string
	ExternalIDs []string // ATT&CK and CVE ids
	Labels      []string
	Published   time.Time // reports only
	TLP         stix.TLP  // effective level
}

// Link is a relationship or sighting between two facts.
type Link struct {
	ID     stix.ID
	Type   string // relationship_type, or "sighting"
	Source stix.ID
	Target stix.ID
}

// Facts is what a container (or a period, for a digest) holds.
type Facts struct {
	Objects []Fact
	Links   []Link
	// Since and Until bound a digest's period; zero otherwise.
	Since, Until time.Time
}

// Delta is a piece of an answer as it is produced.
type Delta struct {
	Text string
}

// Usage counts tokens as the provider reported them, 0 when it did not.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Result is an engine's complete answer.
type Result struct {
	Text string
	// FinishReason is "stop" for a natural end, "length" when the answer
	// hit its token limit.
	FinishReason string
	Model        string // the model that answered, "" for the offline engine
	Usage        Usage
	// Sources are the knowledge-base objects the answer quotes besides
	// the task's Subject and Facts (the offline engine reads definitions,
	// links and patterns for longer, explain and change-tone), each with
	// its effective level. The Service labels the answer with the highest
	// level of its input and its sources, and does not flag their ids as
	// unknown. Nil for an engine that reads nothing but its task. The TLP
	// guard runs before the engine and sees only the task, so an engine
	// that sends content off the machine must not draw on anything else.
	Sources []Fact
}

// OfflineFactory builds the offline engine over a store.
type OfflineFactory func(st store.Store) Engine

var offline struct {
	sync.Mutex
	factory OfflineFactory
}

// RegisterOffline installs the offline engine's constructor; package
// ai/offline calls it from init so that this package need not import it.
func RegisterOffline(f OfflineFactory) {
	offline.Lock()
	defer offline.Unlock()
	offline.factory = f
}

// NewOffline returns the offline engine, or false when no offline engine
// is built in.
func NewOffline(st store.Store) (Engine, bool) {
	offline.Lock()
	f := offline.factory
	offline.Unlock()
	if f == nil {
		return nil, false
	}
	return f(st), true
}

// OfflineBuiltIn reports whether an offline engine is registered.
func OfflineBuiltIn() bool {
	offline.Lock()
	defer offline.Unlock()
	return offline.factory != nil
}

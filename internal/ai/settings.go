package ai

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/stix"
)

// Builtin is the AI type of the offline engine, used when AI__TYPE is empty.
const Builtin = "builtin"

// Settings are the AI__* settings, read and checked.
type Settings struct {
	Enabled bool
	// Type is the provider type: mistralai, openai, ollama, azureopenai
	// or builtin.
	Type string
	// LLM is the provider client's configuration; unused for builtin.
	LLM llm.Config
	// MaxTokens bounds an answer (AI__MAX_TOKENS, default 2000).
	MaxTokens int
	// ContextLength, when not 0, overrides the model's context window.
	ContextLength int
	// Location is where the provider keeps data, by AI__LOCATION or by
	// type and endpoint host.
	Location Location
	// MaxTLP is the highest level the provider may receive.
	MaxTLP stix.TLP
	// AuditContent keeps the text sent and received in the audit log.
	AuditContent bool
}

// IsBuiltin reports whether the offline engine is the configured one.
func (s Settings) IsBuiltin() bool { return s.Type == Builtin }

// Label names the provider as OpenCTI does: "custom mistralai -
// open-mistral-7b", or "builtin - offline engine".
func (s Settings) Label() string {
	if s.IsBuiltin() {
		return "builtin - offline engine"
	}
	return "custom " + s.Type + " - " + s.LLM.Model
}

// EndpointHost is the host the provider is reached at, for audit rows.
func (s Settings) EndpointHost() string {
	if s.IsBuiltin() {
		return ""
	}
	return endpointHost(s.Type, s.LLM.Endpoint)
}

// SettingsFrom reads the AI__* settings of cfg. The two configurations
// OpenCTI documents work verbatim: a mistralai type pointed at Mistral's
// cloud, or at an Ollama server's OpenAI-compatible API with token none.
func SettingsFrom(cfg config.Config) (Settings, error) {
	var s Settings
	var errs []error
	num := func(env string, dst *int) {
		n, err := cfg.Int(env)
		errs = append(errs, err)
		*dst = n
	}
	var err error
	s.Enabled, err = cfg.Bool("AI__ENABLED")
	errs = append(errs, err)
	s.AuditContent, err = cfg.Bool("AI__AUDIT_CONTENT")
	errs = append(errs, err)
	s.Type = strings.ToLower(strings.TrimSpace(cfg.Get("AI__TYPE")))
	if s.Type == "" {
		s.Type = Builtin
	}
	num("AI__MAX_TOKENS", &s.MaxTokens)
	num("AI__CONTEXT_LENGTH", &s.ContextLength)
	s.LLM, err = llmConfig(cfg)
	errs = append(errs, err)
	errs = append(errs, s.placement(cfg))
	switch s.Type {
	case Builtin, string(llm.OpenAI), string(llm.Mistral), string(llm.Ollama), string(llm.AzureOpenAI):
	default:
		errs = append(
			errs,
			fmt.Errorf("AI__TYPE=%q: want mistralai, openai, ollama, azureopenai or builtin", s.Type),
		)
	}
	return s, errors.Join(errs...)
}

// placement reads AI__LOCATION and AI__MAX_TLP.
func (s *Settings) placement(cfg config.Config) error {
	loc, err := ParseLocation(cfg.Get("AI__LOCATION"))
	if err != nil {
		return err
	}
	if loc == "" {
		loc = Classify(s.Type, cfg.Get("AI__ENDPOINT"))
	}
	s.Location = loc
	s.MaxTLP = DefaultMaxTLP(loc)
	if m := cfg.Get("AI__MAX_TLP"); m != "" {
		if s.MaxTLP, err = stix.ParseTLP(m); err != nil {
			return fmt.Errorf("AI__MAX_TLP: %w", err)
		}
	}
	return nil
}

// llmConfig maps the AI__* settings to the provider client's settings.
func llmConfig(cfg config.Config) (llm.Config, error) {
	c := llm.Config{
		Type:       llm.Type(strings.ToLower(strings.TrimSpace(cfg.Get("AI__TYPE")))),
		Endpoint:   cfg.Get("AI__ENDPOINT"),
		Model:      cfg.Get("AI__MODEL"),
		Token:      cfg.Get("AI__TOKEN"),
		APIVersion: cfg.Get("AI__AZURE_API_VERSION"),
	}
	var errs []error
	dur := func(env string, dst *time.Duration) {
		d, err := cfg.Duration(env)
		errs = append(errs, err)
		*dst = d
	}
	dur("AI__CONNECT_TIMEOUT", &c.ConnectTimeout)
	dur("AI__FIRST_TOKEN_TIMEOUT", &c.FirstTokenTimeout)
	dur("AI__IDLE_TIMEOUT", &c.IdleTimeout)
	dur("AI__TIMEOUT", &c.TotalTimeout)
	retries, err := cfg.Int("AI__MAX_RETRIES")
	errs = append(errs, err)
	c.MaxRetries = retries
	if cfg.IsSet("AI__MAX_RETRIES") && retries == 0 {
		c.MaxRetries = -1 // 0 means the default to llm; the user asked for none
	}
	c.MaxConcurrent, err = cfg.Int("AI__MAX_CONCURRENT")
	errs = append(errs, err)
	return c, errors.Join(errs...)
}

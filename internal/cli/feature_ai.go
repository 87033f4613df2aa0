package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aiapi"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	_ "github.com/tipster-cti/tipster/internal/ai/offline" // registers the offline engine (AI type builtin)
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
	"github.com/tipster-cti/tipster/internal/store/postgres"
)

func init() {
	features = append(features, feature{name: "ask ai", order: 20, setup: setupAI})
}

// aiSettings are the settings of commands that use Ask AI.
var aiSettings = []string{
	"AI__ENABLED",
	"AI__TYPE",
	"AI__ENDPOINT",
	"AI__MODEL",
	"AI__TOKEN",
	"AI__MAX_TOKENS",
	"AI__CONTEXT_LENGTH",
	"AI__LOCATION",
	"AI__MAX_TLP",
	"AI__MAX_CONCURRENT",
	"AI__CONNECT_TIMEOUT",
	"AI__FIRST_TOKEN_TIMEOUT",
	"AI__IDLE_TIMEOUT",
	"AI__TIMEOUT",
	"AI__MAX_RETRIES",
	"AI__AZURE_API_VERSION",
	"AI__AUDIT_CONTENT",
}

// aiBackend is a store whose database also keeps Ask AI's audit log and
// provenance; both the SQLite and the PostgreSQL stores are.
type aiBackend interface {
	AI() ai.Repository
}

// errNoAIAudit says why a store cannot back Ask AI.
var errNoAIAudit = errors.New("this store cannot keep Ask AI's audit log")

// aiLimitBackend is a store that holds AI__MAX_CONCURRENT for every server
// using its database: the PostgreSQL store. On others (SQLite) the limit
// is held by each process.
type aiLimitBackend interface {
	AILimiter(n int) *postgres.Limiter
}

// newAIService builds Ask AI from the AI__* settings over the store. On a
// store that can hold it, the provider's concurrency limit is held in the
// database, shared by every server (and command) using it.
func newAIService(cfg config.Config, st store.Store, log *slog.Logger) (*ai.Service, error) {
	s, err := ai.SettingsFrom(cfg)
	if err != nil {
		return nil, err
	}
	b, ok := st.(aiBackend)
	if !ok {
		return nil, errNoAIAudit
	}
	if lb, ok := st.(aiLimitBackend); ok && !s.IsBuiltin() {
		n := s.LLM.MaxConcurrent
		if n <= 0 {
			n = llm.DefaultMaxConcurrent
		}
		s.LLM.Limiter = lb.AILimiter(n)
	}
	return ai.New(ai.Options{Store: st, Settings: s, Audit: ai.NewAuditLog(b.AI()), Log: log})
}

// limitHeldBy says where svc's concurrency limit is held, for the log.
func limitHeldBy(svc *ai.Service) string {
	if svc.Settings().LLM.Limiter != nil {
		return "database"
	}
	return "process"
}

// closeLimiter has the app close svc's database-held limiter on shutdown.
func closeLimiter(a *app, svc *ai.Service) {
	if c, ok := svc.Settings().LLM.Limiter.(io.Closer); ok {
		a.closers = append(a.closers, c.Close)
	}
}

// setupAI serves Ask AI under /api/v1/ai and the ai-apply, ai-review and
// ai-restore actions on objects.
func setupAI(ctx context.Context, a *app) error {
	svc, err := newAIService(a.Config, a.Store, a.Log)
	if errors.Is(err, errNoAIAudit) {
		a.Log.Warn("ask ai is off", "reason", err.Error())
		return nil
	}
	if err != nil {
		return err
	}
	closeLimiter(a, svc)
	(&aiapi.Handlers{AI: svc, Store: a.Store, Log: a.Log}).Register(a.API)
	s := svc.Settings()
	a.Log.Info("ask ai", "enabled", s.Enabled, "provider", s.Label(), "location", string(s.Location),
		"max_tlp", s.MaxTLP.String(), "offline_available", svc.OfflineAvailable() || s.IsBuiltin(),
		"concurrency_limit_held_by", limitHeldBy(svc))
	return nil
}

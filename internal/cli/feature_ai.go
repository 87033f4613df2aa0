package cli

import (
	"context"
	"errors"
	"log/slog"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/aiapi"
	_ "github.com/tipster-cti/tipster/internal/ai/offline" // registers the offline engine (AI type builtin)
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
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

// newAIService builds Ask AI from the AI__* settings over the store.
func newAIService(cfg config.Config, st store.Store, log *slog.Logger) (*ai.Service, error) {
	s, err := ai.SettingsFrom(cfg)
	if err != nil {
		return nil, err
	}
	b, ok := st.(aiBackend)
	if !ok {
		return nil, errNoAIAudit
	}
	return ai.New(ai.Options{Store: st, Settings: s, Audit: ai.NewAuditLog(b.AI()), Log: log})
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
	(&aiapi.Handlers{AI: svc, Store: a.Store, Log: a.Log}).Register(a.API)
	s := svc.Settings()
	a.Log.Info("ask ai", "enabled", s.Enabled, "provider", s.Label(), "location", string(s.Location),
		"max_tlp", s.MaxTLP.String(), "offline_available", svc.OfflineAvailable() || s.IsBuiltin())
	return nil
}

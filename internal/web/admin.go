package web

import (
	"net/http"

	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/store"
)

// importData is what the import page offers.
type importData struct {
	CanWrite bool
	TLPs     []string
}

// importPage offers a drop zone for STIX bundles and documents; the script
// sends the file to the API (POST /api/v1/bundles or /api/v1/documents)
// and shows the import summary it answers.
func (p *Pages) importPage(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	return p.render(
		w,
		r,
		v,
		"import",
		"Import",
		"import",
		importData{CanWrite: v.CanWrite(), TLPs: tlpNames()},
	)
}

// auditPage shows the AI audit log, which the script reads from
// GET /api/v1/ai/audit; the API decides what the viewer may see.
func (p *Pages) auditPage(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	return p.render(w, r, v, "audit", "AI audit log", "audit", nil)
}

// setting is one row of the settings page.
type setting struct {
	Env, Value, Description string
	Default                 bool
}

// settings shows the AI provider's status (probed by the script through
// GET /api/v1/ai/status) and every setting, secrets redacted.
func (p *Pages) settings(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	var rows []setting
	for _, s := range config.Registry {
		val := p.Config.Get(s.Env)
		if s.Secret && val != "" {
			val = "(set, hidden)"
		}
		rows = append(
			rows,
			setting{Env: s.Env, Value: val, Description: s.Description, Default: !p.Config.IsSet(s.Env)},
		)
	}
	return p.render(w, r, v, "settings", "Settings", "settings", rows)
}

// usersData is the users page: the accounts, or why there are none.
type usersData struct {
	Users []User
	Open  bool // no access control in this build
}

func (p *Pages) users(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	if p.Users == nil {
		return p.render(w, r, v, "users", "Users", "users", usersData{Open: true})
	}
	us, err := p.Users.Users(r)
	if err != nil {
		return err
	}
	return p.render(w, r, v, "users", "Users", "users", usersData{Users: us})
}

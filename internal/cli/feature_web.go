package cli

import (
	"context"

	"github.com/tipster-cti/tipster/internal/web"
)

func init() {
	features = append(features, feature{name: "web", order: 50, setup: setupWeb})
}

// setupWeb mounts the browser interface on every path outside /api/. Pages
// take the viewer from the API's authenticator, so both agree on who asks,
// and log in through access control when it is built in.
func setupWeb(ctx context.Context, a *app) error {
	p := &web.Pages{Store: a.Store, Auth: a.API.Auth, Config: a.Config, Log: a.Log}
	p.Sessions, p.Users, p.IsUnauthenticated = webAccess(a)
	return p.Register(a.Mux)
}

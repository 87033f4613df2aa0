package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/tipster-cti/tipster/internal/api"
	"github.com/tipster-cti/tipster/internal/config"
	"github.com/tipster-cti/tipster/internal/server"
	"github.com/tipster-cti/tipster/internal/store"
)

func init() {
	register("serve", "run the server: the JSON API and the web interface", runServe)
}

// serveSettings are the settings of commands that run the server.
var serveSettings = append(
	[]string{"APP__ADDR", "APP__PORT", "APP__BASE_URL", "APP__LOG_LEVEL"},
	storeSettings...)

// app is what the server's features are wired from.
type app struct {
	Config config.Config
	Store  store.Store
	Log    *slog.Logger
	API    *api.Server
	Mux    *http.ServeMux // pages and anything outside /api/
	Demo   bool           // started by `tipster demo`
	// LoginHint lines are printed at start to say how to log in.
	LoginHint []string
	closers   []func() error
}

// feature wires one capability (access control, Ask AI, documents, web
// pages) into the app; each capability's file adds itself from init.
type feature struct {
	name  string
	order int // lower first: access control before what it protects
	setup func(ctx context.Context, a *app) error
}

var features []feature

// localOnly lets every request act as the local administrator. It is the
// authenticator only when no access-control feature is built in.
type localOnly struct{}

func (localOnly) Viewer(*http.Request) (store.Viewer, error) { return store.LocalAdmin, nil }

func runServe(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "serve", "", serveSettings...)
	if err := f.parse(args); err != nil {
		return err
	}
	return serve(ctx, env, f.config(env), false)
}

// serve builds the app and runs the server until ctx ends.
func serve(ctx context.Context, env *Env, cfg config.Config, demo bool) error {
	log := logger(env, cfg)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	a := &app{Config: cfg, Store: st, Log: log, Mux: http.NewServeMux(), Demo: demo,
		API: &api.Server{Store: st, Auth: localOnly{}, Log: log}}
	defer a.close()
	if err := a.setup(ctx); err != nil {
		return err
	}
	root := http.NewServeMux()
	root.Handle("/api/", a.API.Routes())
	root.Handle("/", a.Mux)
	addr, err := listenAddr(cfg)
	if err != nil {
		return err
	}
	srv := &server.Server{Addr: addr, Handler: root, Log: log, Ready: func(bound net.Addr) {
		url := cfg.Get("APP__BASE_URL")
		if url == "" {
			url = "http://" + bound.String()
		}
		fmt.Fprintf(env.Stdout, "Tipster is serving at %s\n", url)
		for _, l := range a.LoginHint {
			fmt.Fprintln(env.Stdout, l)
		}
		fmt.Fprintln(env.Stdout, "Press Ctrl+C to stop.")
	}}
	return srv.Run(ctx)
}

func (a *app) setup(ctx context.Context) error {
	sortFeatures()
	for _, f := range features {
		if err := f.setup(ctx, a); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if _, open := a.API.Auth.(localOnly); open {
		a.Log.Warn("no access control in this build: every request acts as the local administrator")
	}
	return nil
}

func sortFeatures() {
	for i := 1; i < len(features); i++ {
		for j := i; j > 0 && features[j].order < features[j-1].order; j-- {
			features[j], features[j-1] = features[j-1], features[j]
		}
	}
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.Store.Close()
}

// listenAddr applies APP__PORT to APP__ADDR.
func listenAddr(cfg config.Config) (string, error) {
	addr := cfg.Get("APP__ADDR")
	port := cfg.Get("APP__PORT")
	if port == "" {
		return addr, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("APP__ADDR=%q is not host:port", addr)
	}
	if strings.Trim(port, "0123456789") != "" {
		return "", fmt.Errorf("APP__PORT=%q is not a port number", port)
	}
	return net.JoinHostPort(host, port), nil
}

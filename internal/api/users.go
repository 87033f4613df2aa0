package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/tipster-cti/tipster/internal/auth"
	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Access is the API side of access control: it authenticates requests
// with an auth.Service and serves users, tokens and the audit log.
type Access struct{ Service *auth.Service }

// exportPattern is the route whose requests the audit records as exports.
const exportPattern = "GET /api/v1/objects/{id}/bundle"

// Viewer authenticates r by Bearer token or session cookie (with its CSRF
// token on state-changing requests). It attaches the identity and the
// audit's request marks to r itself, which the route's handler receives
// next, so that handlers can read auth.FromContext and the store from
// auth.Service.AuditedStore can audit imports and exports.
func (a Access) Viewer(r *http.Request) (store.Viewer, error) {
	id, err := a.Service.Authenticate(r)
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		return store.Viewer{}, ErrUnauthenticated
	case errors.Is(err, auth.ErrCSRF):
		return store.Viewer{}, &Error{Status: http.StatusForbidden, Code: "csrf",
			Message: "missing or wrong CSRF token: send the session's token in the " + auth.CSRFHeader + " header"}
	case err != nil:
		return store.Viewer{}, err
	}
	var exportOf stix.ID
	if r.Pattern == exportPattern {
		exportOf = stix.ID(r.PathValue("id"))
	}
	ctx := auth.WithIdentity(r.Context(), id)
	ctx = auth.WithRequest(ctx, auth.Actor{Name: id.User.Email, Remote: auth.RemoteAddr(r)}, exportOf)
	*r = *r.WithContext(ctx)
	return id.Viewer(), nil
}

// Register adds the routes of users, tokens, the audit log and /me to s.
func (a Access) Register(s *Server) {
	s.Handle("GET /api/v1/me", a.me)
	s.Handle("GET /api/v1/users", admin(a.listUsers))
	s.Handle("POST /api/v1/users", admin(a.createUser))
	s.Handle("GET /api/v1/users/{id}", admin(a.getUser))
	s.Handle("PATCH /api/v1/users/{id}", admin(a.updateUser))
	s.Handle("POST /api/v1/users/{id}/password", admin(a.setPassword))
	s.Handle("GET /api/v1/users/{id}/tokens", admin(a.listTokens))
	s.Handle("POST /api/v1/users/{id}/tokens", admin(a.createToken))
	s.Handle("DELETE /api/v1/users/{id}/tokens/{token}", admin(a.revokeToken))
	s.Handle("GET /api/v1/audit", admin(a.auditLog))
}

// admin lets only administrators through.
func admin(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
		if !v.IsAdmin() {
			return ErrForbidden
		}
		return h(w, r, v)
	}
}

// UserOut is a user as the API shows it.
type UserOut struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Role        store.Role `json:"role"`
	Clearance   string     `json:"clearance"`
	Disabled    bool       `json:"disabled"`
	HasPassword bool       `json:"has_password"`
	Created     time.Time  `json:"created"`
	Updated     time.Time  `json:"updated"`
}

func userOut(u *auth.User) UserOut {
	return UserOut{
		ID:          u.ID,
		Email:       u.Email,
		Role:        u.Role,
		Clearance:   u.Clearance.String(),
		Disabled:    u.Disabled,
		HasPassword: u.PasswordHash != "",
		Created:     u.Created,
		Updated:     u.Updated,
	}
}

// TokenOut is an API token as the API lists it: never its value.
type TokenOut struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	Hint     string    `json:"hint,omitempty"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires,omitzero"`
	Revoked  time.Time `json:"revoked,omitzero"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

func tokenOut(t *auth.Token) TokenOut {
	return TokenOut{ID: t.ID, Name: t.Name, Hint: t.Hint, Created: t.Created, Expires: t.Expires,
		Revoked: t.Revoked, LastUsed: t.LastUsed}
}

func (a Access) me(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, ok := auth.FromContext(r.Context())
	if !ok {
		return writeJSON(
			w,
			http.StatusOK,
			map[string]any{"name": v.Name, "role": v.Role, "clearance": v.Clearance.String()},
		)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": userOut(id.User), "csrf_token": id.CSRF()})
}

func (a Access) listUsers(w http.ResponseWriter, r *http.Request, _ store.Viewer) error {
	users, err := a.Service.ListUsers(r.Context())
	if err != nil {
		return err
	}
	out := make([]UserOut, len(users))
	for i := range users {
		out[i] = userOut(&users[i])
	}
	return writeJSON(w, http.StatusOK, map[string]any{"users": out})
}

type createUserIn struct {
	Email     string `json:"email"`
	Role      string `json:"role"`
	Clearance string `json:"clearance"`
	Password  string `json:"password"`
}

// createUser is POST /api/v1/users; the answer holds the user's first API
// token, which is never shown again.
func (a Access) createUser(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	var in createUserIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	role, err := auth.ParseRole(in.Role)
	if err != nil {
		return accessError(err)
	}
	tlp, err := stix.ParseTLP(in.Clearance)
	if err != nil {
		return BadRequest("clearance: %v", err)
	}
	u, token, err := a.Service.CreateUser(r.Context(), actor(r, v),
		auth.NewUser{Email: in.Email, Role: role, Clearance: tlp, Password: in.Password})
	if err != nil {
		return accessError(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"user": userOut(u), "token": token})
}

func (a Access) getUser(w http.ResponseWriter, r *http.Request, _ store.Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.Service.User(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": userOut(u)})
}

type updateUserIn struct {
	Role      *string `json:"role"`
	Clearance *string `json:"clearance"`
	Disabled  *bool   `json:"disabled"`
}

// updateUser is PATCH /api/v1/users/{id}: role, clearance, disabled.
func (a Access) updateUser(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in updateUserIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := auth.Change{Disabled: in.Disabled}
	if in.Role != nil {
		role, err := auth.ParseRole(*in.Role)
		if err != nil {
			return accessError(err)
		}
		c.Role = &role
	}
	if in.Clearance != nil {
		tlp, err := stix.ParseTLP(*in.Clearance)
		if err != nil {
			return BadRequest("clearance: %v", err)
		}
		c.Clearance = &tlp
	}
	u, err := a.Service.UpdateUser(r.Context(), actor(r, v), id, c)
	if err != nil {
		return accessError(err)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": userOut(u)})
}

// setPassword is POST /api/v1/users/{id}/password with {"password": "..."};
// without one, a generated password is set and returned once.
func (a Access) setPassword(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pw, err := a.Service.SetPassword(r.Context(), actor(r, v), id, in.Password)
	if err != nil {
		return accessError(err)
	}
	out := map[string]any{"ok": true}
	if in.Password == "" {
		out["password"] = pw
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a Access) listTokens(w http.ResponseWriter, r *http.Request, _ store.Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tokens, err := a.Service.Tokens(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]TokenOut, len(tokens))
	for i := range tokens {
		out[i] = tokenOut(&tokens[i])
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// createToken is POST /api/v1/users/{id}/tokens with {"name", "expires_in"}
// (a Go duration such as "720h"; empty never expires). The token is in
// the answer once.
func (a Access) createToken(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Name      string `json:"name"`
		ExpiresIn string `json:"expires_in"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var ttl time.Duration
	if in.ExpiresIn != "" {
		if ttl, err = time.ParseDuration(in.ExpiresIn); err != nil || ttl <= 0 {
			return BadRequest("expires_in=%q is not a positive duration such as 720h", in.ExpiresIn)
		}
	}
	token, t, err := a.Service.IssueToken(r.Context(), actor(r, v), id, in.Name, ttl)
	if err != nil {
		return accessError(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"token": token, "info": tokenOut(t)})
}

func (a Access) revokeToken(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tokenID, err := pathID(r, "token")
	if err != nil {
		return err
	}
	if err := a.Service.RevokeToken(r.Context(), actor(r, v), id, tokenID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// EntryOut is an audit entry as the API shows it.
type EntryOut struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Target   string    `json:"target,omitempty"`
	ObjectID stix.ID   `json:"object_id,omitempty"`
	Remote   string    `json:"remote,omitempty"`
	Outcome  string    `json:"outcome"`
	Detail   string    `json:"detail,omitempty"`
}

// auditLog is GET /api/v1/audit?actor=&action=&limit=&before=, newest
// first; entries naming an object above the reader's clearance are left out.
func (a Access) auditLog(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	p := r.URL.Query()
	q := auth.AuditQuery{Actor: p.Get("actor"), Action: auth.Action(p.Get("action"))}
	var err error
	if s := p.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 1 {
			return BadRequest("limit=%q is not a positive number", s)
		}
	}
	if s := p.Get("before"); s != "" {
		if q.Before, err = strconv.ParseInt(s, 10, 64); err != nil || q.Before < 1 {
			return BadRequest("before=%q is not an entry id", s)
		}
	}
	entries, err := a.Service.AuditLog(r.Context(), v, q)
	if err != nil {
		return err
	}
	out := make([]EntryOut, len(entries))
	for i, e := range entries {
		out[i] = EntryOut{ID: e.ID, At: e.At, Actor: e.Actor, Action: string(e.Action), Target: e.Target,
			ObjectID: e.ObjectID, Remote: e.Remote, Outcome: string(e.Outcome), Detail: e.Detail}
	}
	next := ""
	if len(entries) > 0 && len(entries) == q.Limit {
		next = strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": out, "next": next})
}

// actor is who makes r, for the audit log.
func actor(r *http.Request, v store.Viewer) auth.Actor {
	return auth.Actor{Name: v.Name, Remote: auth.RemoteAddr(r)}
}

// accessError maps the auth package's errors to what a client may see.
func accessError(err error) error {
	var in *auth.InputError
	switch {
	case errors.As(err, &in):
		return BadRequest("%s", in.Msg)
	case errors.Is(err, auth.ErrExists):
		return &Error{
			Status:  http.StatusConflict,
			Code:    "conflict",
			Message: auth.ErrExists.Error(),
			Err:     err,
		}
	case errors.Is(err, auth.ErrLastAdmin):
		return &Error{
			Status:  http.StatusConflict,
			Code:    "conflict",
			Message: auth.ErrLastAdmin.Error(),
			Err:     err,
		}
	}
	return err
}

// decode reads a small JSON body into dst, refusing unknown fields; an
// empty body is an empty object.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil && !errors.Is(err, io.EOF) {
		return BadRequest("body is not the expected JSON object: %v", err)
	}
	return nil
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%s %q: %w", name, r.PathValue(name), store.ErrNotFound)
	}
	return id, nil
}

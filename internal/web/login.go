package web

import (
	"errors"
	"net/http"

	"github.com/tipster-cti/tipster/internal/store"
)

// loginData is what the login form shows.
type loginData struct {
	Next    string
	Email   string
	Message string // why the last attempt failed
	Open    bool   // no access control: there is nothing to log in to
}

// loginPage shows the login form, or says that this build has no access
// control.
func (p *Pages) loginPage(w http.ResponseWriter, r *http.Request) {
	d := loginData{Next: localPath(r.URL.Query().Get("next")), Open: p.Sessions == nil}
	p.renderLogin(w, r, http.StatusOK, d)
}

// login checks the form's credentials and sends the user on.
func (p *Pages) login(w http.ResponseWriter, r *http.Request) {
	if p.Sessions == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if err := r.ParseForm(); err != nil {
		p.renderLogin(w, r, http.StatusBadRequest, loginData{Message: "The form could not be read."})
		return
	}
	d := loginData{Next: localPath(r.PostForm.Get("next")), Email: r.PostForm.Get("email")}
	err := p.Sessions.Login(w, r, d.Email, r.PostForm.Get("password"))
	switch {
	case err == nil:
		http.Redirect(w, r, d.Next, http.StatusSeeOther)
	case errors.Is(err, ErrBadCredentials):
		d.Message = "Wrong e-mail or password."
		p.renderLogin(w, r, http.StatusUnauthorized, d)
	default:
		p.Log.Error("login failed", "err", err)
		d.Message = "Logging in failed on the server. Try again."
		p.renderLogin(w, r, http.StatusInternalServerError, d)
	}
}

// logout ends the session. The session's CSRF token must come with the
// form, so that another site cannot log the user out.
func (p *Pages) logout(w http.ResponseWriter, r *http.Request) {
	if p.Sessions != nil {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("csrf_token") != p.Sessions.CSRFToken(r) {
			http.Error(w, "The form has expired; reload the page and try again.", http.StatusForbidden)
			return
		}
		if err := p.Sessions.Logout(w, r); err != nil {
			p.Log.Error("logout failed", "err", err)
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (p *Pages) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	if err := p.renderStatus(w, r, store.Viewer{}, status, "login", "Log in", "", d); err != nil {
		p.Log.Error("login page failed", "err", err)
	}
}

package auth

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// Actor is who makes a change, for the audit log.
type Actor struct {
	Name   string // e-mail address, or "cli" for the command line
	Remote string // remote address, "" for the command line
}

// CLI is the actor of the tipster command on the machine holding the data.
var CLI = Actor{Name: "cli"}

// NewUser is what creating a user takes.
type NewUser struct {
	Email     string
	Role      store.Role
	Clearance stix.TLP
	Password  string // "" for a user who signs in with API tokens only
}

// Change is an update of a user; nil fields stay as they are.
type Change struct {
	Role      *store.Role
	Clearance *stix.TLP
	Disabled  *bool
}

// ParseRole reads a role name.
func ParseRole(s string) (store.Role, error) {
	switch r := store.Role(strings.ToLower(strings.TrimSpace(s))); r {
	case store.RoleAdmin, store.RoleAnalyst, store.RoleViewer:
		return r, nil
	}
	return "", badInput("unknown role %q (want admin, analyst or viewer)", s)
}

// normalizeEmail trims and lowercases an address and checks its form.
func normalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
		return "", badInput("%q is not an e-mail address such as analyst@example.org", s)
	}
	return e, nil
}

// CreateUser adds a user and issues its first API token, returned once:
// only its hash is kept.
func (s *Service) CreateUser(ctx context.Context, by Actor, nu NewUser) (*User, string, error) {
	u, err := s.createUser(ctx, by, nu)
	if err != nil {
		return nil, "", err
	}
	token, _, err := s.issueToken(ctx, u.ID, "default", 0)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

func (s *Service) createUser(ctx context.Context, by Actor, nu NewUser) (*User, error) {
	u, err := s.newUser(nu)
	if err != nil {
		return nil, err
	}
	if err := s.repo.CreateUser(ctx, u); err != nil {
		s.audit(ctx, by, Entry{Action: ActionUserCreate, Target: u.Email, Outcome: OutcomeFailed})
		return nil, fmt.Errorf("create user: %w", err)
	}
	s.audit(ctx, by, Entry{Action: ActionUserCreate, Target: u.Email, Outcome: OutcomeOK,
		Detail: fmt.Sprintf("role %s, clearance %s", u.Role, u.Clearance)})
	return u, nil
}

func (s *Service) newUser(nu NewUser) (*User, error) {
	email, err := normalizeEmail(nu.Email)
	if err != nil {
		return nil, err
	}
	role, err := ParseRole(string(nu.Role))
	if err != nil {
		return nil, err
	}
	if nu.Clearance < stix.TLPClear || nu.Clearance > stix.TLPRed {
		return nil, badInput("unknown clearance %d", nu.Clearance)
	}
	now := s.now()
	u := &User{Email: email, Role: role, Clearance: nu.Clearance, Created: now, Updated: now}
	if nu.Password != "" {
		if err := checkPasswordPolicy(nu.Password); err != nil {
			return nil, err
		}
		if u.PasswordHash, err = HashPassword(nu.Password, s.opt.Password); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// ListUsers returns every user.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) { return s.repo.ListUsers(ctx) }

// User returns one user, or ErrNoSuchUser.
func (s *Service) User(ctx context.Context, id int64) (*User, error) { return s.repo.UserByID(ctx, id) }

// UserByEmail returns one user, or ErrNoSuchUser.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.repo.UserByEmail(ctx, strings.TrimSpace(email))
}

// UpdateUser changes a user's role, clearance or disabled flag. A disabled
// user's sessions end at once and its tokens stop working. It refuses to
// leave no enabled administrator.
func (s *Service) UpdateUser(ctx context.Context, by Actor, id int64, c Change) (*User, error) {
	u, err := s.repo.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	wasAdmin := u.Role == store.RoleAdmin && !u.Disabled
	if err := applyChange(u, c); err != nil {
		return nil, err
	}
	if wasAdmin && (u.Role != store.RoleAdmin || u.Disabled) {
		if n, err := s.repo.CountAdmins(ctx); err != nil {
			return nil, err
		} else if n <= 1 {
			return nil, ErrLastAdmin
		}
	}
	u.Updated = s.now()
	if err := s.repo.UpdateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	if u.Disabled {
		if err := s.repo.DeleteUserSessions(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	s.audit(
		ctx,
		by,
		Entry{Action: ActionUserUpdate, Target: u.Email, Outcome: OutcomeOK, Detail: describeChange(c)},
	)
	return u, nil
}

func applyChange(u *User, c Change) error {
	if c.Role != nil {
		r, err := ParseRole(string(*c.Role))
		if err != nil {
			return err
		}
		u.Role = r
	}
	if c.Clearance != nil {
		if *c.Clearance < stix.TLPClear || *c.Clearance > stix.TLPRed {
			return badInput("unknown clearance %d", *c.Clearance)
		}
		u.Clearance = *c.Clearance
	}
	if c.Disabled != nil {
		u.Disabled = *c.Disabled
	}
	return nil
}

func describeChange(c Change) string {
	var parts []string
	if c.Role != nil {
		parts = append(parts, "role "+string(*c.Role))
	}
	if c.Clearance != nil {
		parts = append(parts, "clearance "+c.Clearance.String())
	}
	if c.Disabled != nil {
		parts = append(parts, fmt.Sprintf("disabled %t", *c.Disabled))
	}
	return strings.Join(parts, ", ")
}

// SetPassword sets a user's password, or a generated one when password is
// empty, and returns it; every session of the user ends.
func (s *Service) SetPassword(ctx context.Context, by Actor, id int64, password string) (string, error) {
	u, err := s.repo.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	if password == "" {
		if password, err = GeneratePassword(); err != nil {
			return "", err
		}
	}
	if err := checkPasswordPolicy(password); err != nil {
		return "", err
	}
	if u.PasswordHash, err = HashPassword(password, s.opt.Password); err != nil {
		return "", err
	}
	u.Updated = s.now()
	if err := s.repo.UpdateUser(ctx, u); err != nil {
		return "", fmt.Errorf("set password: %w", err)
	}
	if err := s.repo.DeleteUserSessions(ctx, u.ID); err != nil {
		return "", err
	}
	s.audit(ctx, by, Entry{Action: ActionPasswordReset, Target: u.Email, Outcome: OutcomeOK})
	return password, nil
}

package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

// ErrNoAdmin means there is no enabled administrator and nothing to create
// one from; its text tells the operator what to set.
var ErrNoAdmin = errors.New("no administrator exists and nobody could log in: " +
	"set APP__ADMIN__PASSWORD (at least 12 characters) or APP__ADMIN__TOKEN (at least 16), " +
	"with APP__ADMIN__EMAIL, or create one with `tipster user add EMAIL --role admin --clearance TLP:RED`")

// Bootstrap is the first administrator, from APP__ADMIN__EMAIL,
// APP__ADMIN__PASSWORD and APP__ADMIN__TOKEN.
type Bootstrap struct {
	Email    string
	Password string // "" for none
	Token    string // "" for none; kept as its hash like any other token
	// Generate makes a random password when neither Password nor Token is
	// set (tipster demo), instead of failing with ErrNoAdmin.
	Generate bool
}

// Bootstrapped is what Bootstrap did.
type Bootstrapped struct {
	Created  bool   // false when an enabled administrator already existed
	Email    string // the administrator created
	Password string // the generated password, to print once; "" when none was generated
}

// Bootstrap creates the first administrator, with TLP:RED clearance, when
// no enabled administrator exists. An existing one is left as it is: the
// settings count on first start only.
func (s *Service) Bootstrap(ctx context.Context, b Bootstrap) (Bootstrapped, error) {
	n, err := s.repo.CountAdmins(ctx)
	if err != nil || n > 0 {
		return Bootstrapped{}, err
	}
	if b.Token != "" && len(b.Token) < MinTokenLength {
		return Bootstrapped{}, badInput("APP__ADMIN__TOKEN needs at least %d characters", MinTokenLength)
	}
	var out Bootstrapped
	if b.Password == "" && b.Token == "" {
		if !b.Generate {
			return Bootstrapped{}, ErrNoAdmin
		}
		if b.Password, err = GeneratePassword(); err != nil {
			return Bootstrapped{}, err
		}
		out.Password = b.Password
	}
	u, err := s.createUser(ctx, Actor{Name: "bootstrap"}, NewUser{Email: b.Email, Role: store.RoleAdmin,
		Clearance: stix.TLPRed, Password: b.Password})
	if errors.Is(err, ErrExists) {
		// Another server sharing the database created the administrator
		// between our count and our insert: that is what we wanted.
		if n, cerr := s.repo.CountAdmins(ctx); cerr == nil && n > 0 {
			return Bootstrapped{}, nil
		}
	}
	if err != nil {
		return Bootstrapped{}, fmt.Errorf("first administrator: %w", err)
	}
	if b.Token != "" {
		if _, err := s.storeToken(ctx, u.ID, "APP__ADMIN__TOKEN", b.Token, 0); err != nil {
			return Bootstrapped{}, err
		}
	}
	out.Created, out.Email = true, u.Email
	return out, nil
}

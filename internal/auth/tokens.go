package auth

import (
	"context"
	"fmt"
	"time"
)

// MinTokenLength is the shortest token accepted from APP__ADMIN__TOKEN;
// generated tokens are 47 characters.
const MinTokenLength = 16

// IssueToken creates an API token for a user, returned once: only its hash
// is kept. A ttl of 0 makes a token that never expires.
func (s *Service) IssueToken(
	ctx context.Context,
	by Actor,
	userID int64,
	name string,
	ttl time.Duration,
) (string, *Token, error) {
	u, err := s.repo.UserByID(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if ttl < 0 {
		return "", nil, badInput("a token's lifetime cannot be negative")
	}
	token, t, err := s.issueToken(ctx, userID, name, ttl)
	if err != nil {
		return "", nil, err
	}
	s.audit(ctx, by, Entry{Action: ActionTokenCreate, Target: u.Email, Outcome: OutcomeOK,
		Detail: fmt.Sprintf("token %d %q", t.ID, t.Name)})
	return token, t, nil
}

func (s *Service) issueToken(
	ctx context.Context,
	userID int64,
	name string,
	ttl time.Duration,
) (string, *Token, error) {
	token, err := newToken()
	if err != nil {
		return "", nil, err
	}
	t, err := s.storeToken(ctx, userID, name, token, ttl)
	return token, t, err
}

// storeToken keeps the hash of a token chosen by the caller.
func (s *Service) storeToken(
	ctx context.Context,
	userID int64,
	name, token string,
	ttl time.Duration,
) (*Token, error) {
	now := s.now()
	t := &Token{UserID: userID, Name: name, Hint: tokenHint(token), Hash: hashSecret(token), Created: now}
	if ttl > 0 {
		t.Expires = now.Add(ttl)
	}
	if err := s.repo.CreateToken(ctx, t); err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

// Tokens returns a user's tokens, revoked ones included.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	if _, err := s.repo.UserByID(ctx, userID); err != nil {
		return nil, err
	}
	return s.repo.ListTokens(ctx, userID)
}

// RevokeToken makes a user's token stop working at once.
func (s *Service) RevokeToken(ctx context.Context, by Actor, userID, tokenID int64) error {
	u, err := s.repo.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.repo.RevokeToken(ctx, userID, tokenID, s.now()); err != nil {
		return err
	}
	s.audit(ctx, by, Entry{Action: ActionTokenRevoke, Target: u.Email, Outcome: OutcomeOK,
		Detail: fmt.Sprintf("token %d", tokenID)})
	return nil
}

// TokenUser returns the enabled user an API token in force belongs to, or
// ErrUnauthenticated.
func (s *Service) TokenUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ErrUnauthenticated
	}
	u, _, err := s.repo.TokenUser(ctx, hashSecret(token), s.now())
	return u, err
}

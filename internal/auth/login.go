package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Limit is the login rate limit: once an e-mail address or a remote
// address has PerEmail or PerRemote failed logins within Window, further
// logins for it are refused, without checking the password, until the
// oldest failure leaves the window.
type Limit struct {
	PerEmail  int
	PerRemote int
	Window    time.Duration
}

// DefaultLimit allows 5 failures per account and 20 per remote address in
// 15 minutes.
var DefaultLimit = Limit{PerEmail: 5, PerRemote: 20, Window: 15 * time.Minute}

// Login is a successful login: the new session's cookie value and CSRF
// token, and its user.
type Login struct {
	SessionID string // the cookie value; only its hash is stored
	CSRF      string
	Expires   time.Time
	User      *User
}

// Login checks an e-mail address and password and starts a new session.
// previous is the session cookie the browser already holds, if any: it is
// ended, so that a session id planted before login is never promoted
// (session fixation). Failures return ErrInvalidCredentials or a
// *RateLimitError and are audited.
func (s *Service) Login(ctx context.Context, email, password, remote, previous string) (*Login, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	by := Actor{Name: email, Remote: remote}
	if err := s.checkRate(ctx, email, remote); err != nil {
		var rl *RateLimitError
		if errors.As(err, &rl) {
			s.audit(ctx, by, Entry{Action: ActionLogin, Target: email, Outcome: OutcomeRateLimited})
		}
		return nil, err
	}
	u, err := s.verify(ctx, email, password)
	if err != nil {
		if errors.Is(err, ErrInvalidCredentials) {
			s.audit(ctx, by, Entry{Action: ActionLogin, Target: email, Outcome: OutcomeFailed})
		}
		return nil, err
	}
	if err := s.repo.ClearFailures(ctx, email, s.now().Add(-s.opt.Limit.Window)); err != nil {
		return nil, err
	}
	if previous != "" {
		if err := s.repo.DeleteSession(ctx, hashSecret(previous)); err != nil {
			return nil, err
		}
	}
	l, err := s.startSession(ctx, u)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, by, Entry{Action: ActionLogin, Target: email, Outcome: OutcomeOK})
	return l, nil
}

// checkRate records the attempt as a failure before anything else, so that
// concurrent guesses count against each other, and refuses it when the
// failures in the window, this one included, exceed the limit. A
// successful login clears the e-mail address's failures.
func (s *Service) checkRate(ctx context.Context, email, remote string) error {
	now := s.now()
	if err := s.repo.AddFailure(ctx, email, remote, now); err != nil {
		return err
	}
	lim := s.opt.Limit
	c, err := s.repo.CountFailures(ctx, email, remote, now.Add(-lim.Window))
	if err != nil {
		return err
	}
	var oldest time.Time
	switch {
	case c.Email > lim.PerEmail:
		oldest = c.OldestEmail
	case c.Remote > lim.PerRemote:
		oldest = c.OldestRemote
	default:
		return nil
	}
	return &RateLimitError{RetryAfter: max(oldest.Add(lim.Window).Sub(now), time.Second)}
}

// verify returns the enabled user whose password matches. Unknown and
// disabled users cost the same hash as known ones, so that timing does not
// tell which addresses have accounts.
func (s *Service) verify(ctx context.Context, email, password string) (*User, error) {
	u, err := s.repo.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNoSuchUser) {
		return nil, err
	}
	hash := s.dummyHash()
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, err
	}
	if !ok || u == nil || u.Disabled || u.PasswordHash == "" {
		return nil, ErrInvalidCredentials
	}
	return u, nil
}

// dummyHash is a hash no password matches, with the service's cost.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		secret, err := newSecret()
		if err == nil {
			s.dummy, err = HashPassword(secret, s.opt.Password)
		}
		if err != nil {
			// Without randomness nothing else works either; the login fails.
			s.dummy = "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		}
	})
	return s.dummy
}

func (s *Service) startSession(ctx context.Context, u *User) (*Login, error) {
	id, err := newSecret()
	if err != nil {
		return nil, err
	}
	csrf, err := newSecret()
	if err != nil {
		return nil, err
	}
	now := s.now()
	sess := &Session{Hash: hashSecret(id), UserID: u.ID, CSRF: csrf, Created: now, LastSeen: now,
		Expires: s.expiry(now, now)}
	if err := s.repo.CreateSession(ctx, sess); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	if err := s.repo.DeleteExpiredSessions(ctx, now); err != nil {
		s.log.Warn("expired sessions not removed", "err", err)
	}
	return &Login{SessionID: id, CSRF: csrf, Expires: sess.Expires, User: u}, nil
}

// expiry is when a session created at created and last active at seen ends.
func (s *Service) expiry(created, seen time.Time) time.Time {
	end := seen.Add(s.opt.SessionTTL)
	if limit := created.Add(s.opt.SessionMaxAge); end.After(limit) {
		end = limit
	}
	return end
}

// touchEvery is how often a session's activity is written: at most once a
// minute, so that reads do not each cost a write.
const touchEvery = time.Minute

// SessionUser returns the session a cookie value names and its user, or
// ErrUnauthenticated; it extends the session's life on activity.
func (s *Service) SessionUser(ctx context.Context, sessionID string) (*Session, *User, error) {
	if sessionID == "" {
		return nil, nil, ErrUnauthenticated
	}
	now := s.now()
	sess, u, err := s.repo.SessionUser(ctx, hashSecret(sessionID), now)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		sess.LastSeen, sess.Expires = now, s.expiry(sess.Created, now)
		if err := s.repo.TouchSession(ctx, sess.Hash, sess.LastSeen, sess.Expires); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// Logout ends the session a cookie value names.
func (s *Service) Logout(ctx context.Context, sessionID, remote string) error {
	if sessionID == "" {
		return nil
	}
	hash := hashSecret(sessionID)
	_, u, err := s.repo.SessionUser(ctx, hash, s.now())
	if errors.Is(err, ErrUnauthenticated) {
		return nil // an unknown or expired session is already ended
	}
	if err != nil {
		return err
	}
	if err := s.repo.DeleteSession(ctx, hash); err != nil {
		return err
	}
	s.audit(
		ctx,
		Actor{Name: u.Email, Remote: remote},
		Entry{Action: ActionLogout, Target: u.Email, Outcome: OutcomeOK},
	)
	return nil
}

package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// TokenPrefix starts every API token Tipster generates, so that a leaked
// token is recognisable (secret scanners can match it) and told apart
// from a password.
const TokenPrefix = "tip_"

// hintLen is how many leading characters of a token are kept to tell
// tokens apart in listings: the prefix and 4 random characters.
const hintLen = len(TokenPrefix) + 4

// newSecret returns 32 random bytes, URL-safe base64 encoded (43 characters).
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// newToken returns a new API token: TokenPrefix and a random secret.
func newToken() (string, error) {
	s, err := newSecret()
	if err != nil {
		return "", err
	}
	return TokenPrefix + s, nil
}

// hashSecret is how tokens and session ids are stored: hex SHA-256. They
// are random and long, so a fast hash suffices and lookups stay indexed.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// tokenHint returns the leading characters of a token for listings.
func tokenHint(token string) string {
	if len(token) <= hintLen || !strings.HasPrefix(token, TokenPrefix) {
		return ""
	}
	return token[:hintLen]
}

func randIndex(n int) (int, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, fmt.Errorf("auth: random: %w", err)
	}
	return int(i.Int64()), nil
}

package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams is the cost of Argon2id.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
}

// DefaultPasswordParams are the first option of OWASP's Password Storage
// Cheat Sheet: 46 MiB, 1 pass, 1 lane. BenchmarkHashPassword measures it.
var DefaultPasswordParams = PasswordParams{Memory: 46 * 1024, Time: 1, Threads: 1}

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 12

const (
	saltLen = 16
	keyLen  = 32
)

var errBadHash = errors.New("auth: stored password hash is not Argon2id")

// HashPassword returns the PHC string of password hashed with Argon2id
// under a fresh random salt, such as "$argon2id$v=19$m=65536,t=3,p=2$salt$key".
func HashPassword(password string, p PasswordParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash made by
// HashPassword, with whatever cost the hash records.
func CheckPassword(hash, password string) (bool, error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func parseHash(hash string) (p PasswordParams, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// checkPasswordPolicy rejects passwords too short to resist guessing.
func checkPasswordPolicy(password string) error {
	if n := len([]rune(password)); n < MinPasswordLength {
		return badInput("a password needs at least %d characters (this one has %d)", MinPasswordLength, n)
	}
	return nil
}

// GeneratePassword returns a random password of 20 characters from an
// alphabet without look-alikes (about 115 bits).
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		c, err := randIndex(len(alphabet))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[c]
	}
	return string(b), nil
}

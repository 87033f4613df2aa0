// Package stix holds Tipster's model of STIX 2.1: identifiers, objects kept
// as their raw JSON with the common properties pulled out, the streaming
// bundle decoder, validation, the STIX 2.0 upgrade and TLP markings.
package stix

import (
	"errors"
	"fmt"
	"strings"
)

// ID is a STIX identifier of the form "<type>--<UUID>".
type ID string

// ErrBadID reports an identifier that is not "<type>--<UUID>".
var ErrBadID = errors.New("invalid STIX identifier")

// ParseID checks that s is "<type>--<UUID>" with a valid type name and an
// RFC 4122 UUID written in lowercase or uppercase hex with hyphens.
func ParseID(s string) (ID, error) {
	typ, uuid, ok := strings.Cut(s, "--")
	if !ok {
		return "", fmt.Errorf("%w %q: no \"--\" between type and UUID", ErrBadID, s)
	}
	if !ValidTypeName(typ) {
		return "", fmt.Errorf("%w %q: bad type name %q", ErrBadID, s, typ)
	}
	if !validUUID(uuid) {
		return "", fmt.Errorf("%w %q: %q is not a UUID", ErrBadID, s, uuid)
	}
	return ID(s), nil
}

// Type returns the type part of the identifier.
func (id ID) Type() string {
	typ, _, _ := strings.Cut(string(id), "--")
	return typ
}

// String returns the identifier as text.
func (id ID) String() string { return string(id) }

// ValidTypeName reports whether s may name a STIX type: 3 to 250 characters
// of lowercase ASCII letters, digits and single hyphens, not starting or
// ending with a hyphen.
func ValidTypeName(s string) bool {
	if len(s) < 3 || len(s) > 250 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

package extract

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Domain rules: a domain has at least two labels of at most 63 bytes
// (letters, digits, hyphen, underscore; no hyphen at either end), at most
// 253 bytes in all, an alphabetic last label that is an ICANN top-level
// domain in the public suffix list, and at least one label left of its
// public suffix. A bare domain in prose must also not end in a file
// extension (see fileExts) and its last label must not be mixed case
// ("System.Net" is code, not a domain).

// hostContext says where a candidate domain was seen.
type hostContext int

const (
	bareHost   hostContext = iota // alone in prose
	linkedHost                    // host of a URL or e-mail address, or defanged
)

// validDomain reports whether host (as written) is a domain in context.
func validDomain(host string, ctx hostContext) bool {
	if len(host) < 4 || len(host) > 253 {
		return false
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 {
		return false
	}
	tld := host[dot+1:]
	if !validLabels(host) || !isTLD(tld) {
		return false
	}
	if ctx == bareHost && (mixedCase(tld) || fileExts[strings.ToLower(tld)]) {
		return false
	}
	lh := strings.ToLower(host)
	etld, _ := publicsuffix.PublicSuffix(lh)
	return len(etld) < len(lh)
}

// validLabels checks every dot-separated label.
func validLabels(host string) bool {
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for k := 0; k < len(label); k++ {
			if !isHostByte(label[k]) {
				return false
			}
		}
	}
	return true
}

// isTLD reports whether tld is alphabetic (or an A-label) and an ICANN
// top-level domain.
func isTLD(tld string) bool {
	if len(tld) < 2 || len(tld) > 63 {
		return false
	}
	if !strings.HasPrefix(strings.ToLower(tld), "xn--") {
		for k := 0; k < len(tld); k++ {
			if !isAlpha(tld[k]) {
				return false
			}
		}
	}
	suffix, icann := publicsuffix.PublicSuffix(strings.ToLower(tld))
	return icann && len(suffix) == len(tld)
}

// mixedCase reports a word that is neither all lowercase nor all uppercase.
func mixedCase(w string) bool {
	return strings.ToLower(w) != w && strings.ToUpper(w) != w
}

// documentationDomains are reserved for examples by RFC 2606.
var documentationDomains = toSet([]string{"example.com", "example.net", "example.org"})

// domainFlags returns the flags of a lowercase domain.
func domainFlags(d string) []string {
	for ex := range documentationDomains {
		if d == ex || strings.HasSuffix(d, "."+ex) {
			return []string{FlagDocumentation}
		}
	}
	return nil
}

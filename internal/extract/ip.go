package extract

import (
	"net/netip"
	"strconv"
	"strings"
)

// parseIPv4 reads a dotted quad at i: four decimal octets of at most 255
// with no leading zeros. It returns the end, or -1.
func parseIPv4(s string, i int) int {
	p := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if at(s, p) != '.' {
				return -1
			}
			p++
		}
		q := run(s, p, isDigit)
		if q == p || q-p > 3 || (q-p > 1 && s[p] == '0') {
			return -1
		}
		if n, _ := strconv.Atoi(s[p:q]); n > 255 {
			return -1
		}
		p = q
	}
	return p
}

// versionWords precede a dotted number that is a version, not an address.
var versionWords = toSet([]string{
	"version", "versions", "ver", "v", "build", "release", "rel", "firmware",
	"fw", "update", "patch", "revision", "rev",
})

// afterVersionWord reports whether the word before i (skipping spaces and
// a few separators) is a version word.
func afterVersionWord(s string, i int) bool {
	p := i
	for n := 0; p > 0 && n < 4 && strings.IndexByte(" \t:#=(", s[p-1]) >= 0; n++ {
		p--
	}
	q := p
	for q > 0 && p-q < 12 && isAlpha(s[q-1]) {
		q--
	}
	return q < p && (q == 0 || !isWord(s[q-1])) && versionWords[strings.ToLower(s[q:p])]
}

// ipv4 matches an IPv4 address, optionally with /prefix (a CIDR) or :port,
// at i. It returns the end of what it consumed, or -1.
func (sc *scanner) ipv4(i int) int {
	s := sc.s
	e := parseIPv4(s, i)
	if e < 0 || isWord(at(s, e)) || (at(s, e) == '.' && isDigit(at(s, e+1))) || afterVersionWord(s, i) {
		return -1
	}
	addr, _ := netip.ParseAddr(s[i:e])
	if n, end := prefixLen(s, e, 32); end > 0 {
		v := s[i:e] + "/" + strconv.Itoa(n)
		sc.c.add(IPv4CIDR, v, i, end, false, ipFlags(addr))
		return end
	}
	sc.c.add(IPv4, s[i:e], i, e, false, ipFlags(addr))
	if at(s, e) == ':' {
		if q := run(s, e+1, isDigit); q > e+1 && q-e-1 <= 5 && !isWord(at(s, q)) {
			return q
		}
	}
	return e
}

// prefixLen reads "/n" at e with n at most max; end is 0 when absent.
func prefixLen(s string, e, max int) (n, end int) {
	if at(s, e) != '/' {
		return 0, 0
	}
	q := run(s, e+1, isDigit)
	if q == e+1 || q-e-1 > 3 || isWord(at(s, q)) || (at(s, q) == '.' && isDigit(at(s, q+1))) {
		return 0, 0
	}
	n, _ = strconv.Atoi(s[e+1 : q])
	if n > max || (q-e-1 > 1 && s[e+1] == '0') {
		return 0, 0
	}
	return n, q
}

// isIPv6Byte reports a byte that may appear in a textual IPv6 address.
func isIPv6Byte(c byte) bool { return isHex(c) || c == ':' || c == '.' }

// parseIPv6 reads an IPv6 address at i; it returns the address and end,
// or end -1. It needs at least two colons and one hex digit, and a
// non-word byte after.
func parseIPv6(s string, i int) (netip.Addr, int) {
	e := run(s, i, isIPv6Byte)
	if e-i > 45 {
		return netip.Addr{}, -1
	}
	for e > i && s[e-1] == '.' {
		e--
	}
	cand := s[i:e]
	if strings.Count(cand, ":") < 2 || isWord(at(s, e)) || strings.Trim(cand, ":.") == "" {
		return netip.Addr{}, -1
	}
	a, err := netip.ParseAddr(cand)
	if err != nil || !a.Is6() {
		return netip.Addr{}, -1
	}
	return a, e
}

// ipv6 matches an IPv6 address or CIDR at i; it returns the end or -1.
func (sc *scanner) ipv6(i int) int {
	a, e := parseIPv6(sc.s, i)
	if e < 0 {
		return -1
	}
	if n, end := prefixLen(sc.s, e, 128); end > 0 {
		sc.c.add(IPv6CIDR, a.String()+"/"+strconv.Itoa(n), i, end, false, ipFlags(a))
		return end
	}
	sc.c.add(IPv6, a.String(), i, e, false, ipFlags(a))
	return e
}

// Special-use ranges beyond those net/netip names.
var (
	docPrefixes = prefixes("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
	resPrefixes = prefixes("0.0.0.0/8", "240.0.0.0/4", "100.64.0.0/10", "198.18.0.0/15", "192.0.0.0/24")
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for k, s := range ss {
		out[k] = netip.MustParsePrefix(s)
	}
	return out
}

// ipFlags returns the special-use flags of an address.
func ipFlags(a netip.Addr) []string {
	a = a.Unmap()
	var f []string
	switch {
	case a.IsUnspecified():
		f = append(f, FlagUnspecified)
	case a.IsLoopback():
		f = append(f, FlagLoopback)
	case a.IsPrivate():
		f = append(f, FlagPrivate)
	case a.IsMulticast():
		f = append(f, FlagMulticast)
	case a.IsLinkLocalUnicast():
		f = append(f, FlagLinkLocal)
	}
	if inAny(docPrefixes, a) {
		f = append(f, FlagDocumentation)
	}
	if inAny(resPrefixes, a) && !a.IsUnspecified() {
		f = append(f, FlagReserved)
	}
	return f
}

func inAny(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// mac matches a MAC address at i in one of the forms aa-bb-cc-dd-ee-ff,
// aa:bb:cc:dd:ee:ff or aabb.ccdd.eeff; it returns the end or -1.
func (sc *scanner) mac(i int) int {
	s := sc.s
	var hex []byte
	var e int
	switch sep := at(s, i+2); {
	case sep == '-' || sep == ':':
		for g := 0; g < 6; g++ {
			p := i + 3*g
			if !isHex(at(s, p)) || !isHex(at(s, p+1)) || (g < 5 && at(s, p+2) != sep) {
				return -1
			}
			hex = append(hex, s[p], s[p+1])
		}
		e = i + 17
	case at(s, i+4) == '.':
		for g := 0; g < 3; g++ {
			p := i + 5*g
			for k := 0; k < 4; k++ {
				if !isHex(at(s, p+k)) {
					return -1
				}
			}
			if g < 2 && at(s, p+4) != '.' {
				return -1
			}
			hex = append(hex, s[p:p+4]...)
		}
		e = i + 14
	default:
		return -1
	}
	if c := at(s, e); isWord(c) || c == '-' || c == ':' || (c == '.' && isHex(at(s, e+1))) {
		return -1
	}
	var b strings.Builder
	for k := 0; k < 12; k += 2 {
		if k > 0 {
			b.WriteByte(':')
		}
		b.WriteByte(lower(hex[k]))
		b.WriteByte(lower(hex[k+1]))
	}
	sc.c.add(MAC, b.String(), i, e, false, nil)
	return e
}

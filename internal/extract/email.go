package extract

import (
	"net/netip"
	"strings"
)

// email matches local@domain or local@[IPv4] at i. The domain (or
// address) is also recorded as an indicator of its own.
func (sc *scanner) email(i int) int {
	s := sc.s
	at0 := run(s, i, localByte)
	if at(s, at0) != '@' || at0-i > 64 || s[at0-1] == '.' {
		return -1
	}
	d := at0 + 1
	if at(s, d) == '[' {
		e := parseIPv4(s, d+1)
		if e < 0 || at(s, e) != ']' {
			return -1
		}
		a, _ := netip.ParseAddr(s[d+1 : e])
		sc.c.add(Email, strings.ToLower(s[i:e+1]), i, e+1, false, nil)
		sc.c.add(IPv4, s[d+1:e], d+1, e, false, ipFlags(a))
		return e + 1
	}
	e := run(s, d, isHostOrDot)
	for e > d && (s[e-1] == '.' || s[e-1] == '-') {
		e--
	}
	if !validDomain(s[d:e], linkedHost) {
		return -1
	}
	dom := strings.ToLower(s[d:e])
	sc.c.add(Email, strings.ToLower(s[i:at0])+"@"+dom, i, e, false, nil)
	sc.c.add(Domain, dom, d, e, false, domainFlags(dom))
	return e
}

// innerDomains finds domains inside a URL's path and query, after
// percent-decoding, as in https://a.example/redirect?u=http%3A%2F%2Fb.example.
// The rules for bare domains apply (no file extensions).
func (sc *scanner) innerDomains(p, end int) {
	s := sc.s
	if strings.IndexByte(s[p:end], '.') < 0 {
		return
	}
	buf := make([]byte, 0, end-p)
	pos := make([]int, 0, end-p+1)
	for k := p; k < end; k++ {
		if s[k] == '%' && k+2 < end && isHex(s[k+1]) && isHex(s[k+2]) {
			buf = append(buf, unhex(s[k+1])<<4|unhex(s[k+2]))
			pos = append(pos, k)
			k += 2
			continue
		}
		buf = append(buf, s[k])
		pos = append(pos, k)
	}
	pos = append(pos, end)
	t := string(buf)
	for k := 0; k < len(t); {
		if !isAlnum(t[k]) || (k > 0 && isHostByte(t[k-1])) || (k > 0 && t[k-1] == '.') {
			k++
			continue
		}
		e := run(t, k, isHostOrDot)
		for e > k && (t[e-1] == '.' || t[e-1] == '-') {
			e--
		}
		if validDomain(t[k:e], bareHost) && (e == len(t) || t[e] != '@') {
			d := strings.ToLower(t[k:e])
			sc.c.add(Domain, d, pos[k], pos[e], false, domainFlags(d))
		}
		k = max(e, k+1)
	}
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	default:
		return lower(c) - 'a' + 10
	}
}

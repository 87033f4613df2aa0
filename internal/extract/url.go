package extract

import (
	"net/netip"
	"strconv"
	"strings"
)

// maxURL bounds the bytes a URL may span.
const maxURL = 4096

// urlByte reports a byte that may appear in a URL after its host. Quotes,
// angle brackets, braces, pipes and backslashes end a URL in prose.
func urlByte(c byte) bool {
	return c > 0x20 && c < 0x7f && strings.IndexByte("<>\"'`{}|\\^", c) < 0
}

// url matches scheme://[userinfo@]host[:port][/path…] where s[i:j] is the
// scheme. The host is a domain, an IPv4 address or an IPv6 address (in
// brackets or not). A stray "[" before the host and commas for dots in
// the host are taken as defanging.
func (sc *scanner) url(i, j int) int {
	s := sc.s
	p := j + 3
	if k := userinfoEnd(s, p); k > 0 {
		p = k
	}
	h, defanged := sc.urlHost(p)
	if h.end < 0 {
		return j + 3
	}
	if h.badPort {
		sc.addHost(h) // not a URL, but the host is still worth reporting
		return h.end
	}
	end := urlRest(s, h.end, i)
	var b strings.Builder
	b.WriteString(strings.ToLower(s[i:j]))
	b.WriteString(s[j:h.start0])
	if h.bracketed {
		b.WriteString("[" + h.value + "]")
		b.WriteString(s[h.hostEnd+1 : end])
	} else {
		b.WriteString(h.value)
		b.WriteString(s[h.hostEnd:end])
	}
	sc.c.add(URL, b.String(), i, end, defanged, nil)
	sc.addHost(h)
	sc.innerDomains(h.end, end)
	return end
}

// urlHost is a host found in a URL: where it starts in the text (start0,
// before any stray bracket), the span of the host proper [start,hostEnd),
// the end of any port, its normalised value and kind.
type urlHost struct {
	start0, start, hostEnd, end int
	bracketed                   bool // an IPv6 address in [ ]
	badPort                     bool // a port above 65535: no URL
	value                       string
	kind                        Kind
	flags                       []string
}

// urlHost reads the host of a URL at p; end is -1 when there is none.
// defanged reports a stray bracket or commas for dots.
func (sc *scanner) urlHost(p int) (h urlHost, defanged bool) {
	s := sc.s
	h = urlHost{start0: p, start: p, end: -1}
	if at(s, p) == '[' {
		if q := strings.IndexByte(s[p:min(len(s), p+48)], ']'); q > 0 {
			if a, err := netip.ParseAddr(s[p+1 : p+q]); err == nil && a.Is6() {
				h.start, h.hostEnd, h.value, h.kind, h.flags = p+1, p+q, a.String(), IPv6, ipFlags(a)
				h.bracketed = true
				return sc.withPort(h, p+q+1), false
			}
		}
		h.start = p + 1 // "http://[example.com": a defanging bracket
	}
	if a, e := parseIPv6(s, h.start); e > 0 {
		h.hostEnd, h.end, h.value, h.kind, h.flags = e, e, a.String(), IPv6, ipFlags(a)
		return h, h.start != p
	}
	if e := parseIPv4(s, h.start); e > 0 && !isHostByte(at(s, e)) && at(s, e) != '.' {
		a, _ := netip.ParseAddr(s[h.start:e])
		h.hostEnd, h.value, h.kind, h.flags = e, s[h.start:e], IPv4, ipFlags(a)
		return sc.withPort(h, e), h.start != p
	}
	e := run(s, h.start, func(c byte) bool { return isHostByte(c) || c == '.' || c == ',' })
	for e > h.start && strings.IndexByte(".,-", s[e-1]) >= 0 {
		e--
	}
	name := s[h.start:e]
	if c := strings.IndexByte(name, ','); c >= 0 &&
		!validDomain(strings.ReplaceAll(name, ",", "."), linkedHost) {
		e, name = h.start+c, name[:c]
	}
	written := name
	name = strings.ReplaceAll(name, ",", ".")
	if !validDomain(name, linkedHost) {
		return h, false
	}
	h.hostEnd, h.value, h.kind = e, strings.ToLower(name), Domain
	h.flags = domainFlags(h.value)
	return sc.withPort(h, e), h.start != p || name != written
}

// withPort sets a host's end after ":port" at e, or at e. A port above
// 65535 sets badPort.
func (sc *scanner) withPort(h urlHost, e int) urlHost {
	h.end = e
	if at(sc.s, e) == ':' {
		if q := run(sc.s, e+1, isDigit); q > e+1 {
			h.end, h.badPort = q, !validPort(sc.s[e+1:q])
		}
	}
	return h
}

// validPort reports whether digits is a TCP or UDP port number, 0 to 65535.
func validPort(digits string) bool {
	n, err := strconv.Atoi(digits)
	return err == nil && len(digits) <= 5 && n <= 65535
}

// addHost records a URL's host as an indicator in its own right.
func (sc *scanner) addHost(h urlHost) {
	sc.c.add(h.kind, h.value, h.start, h.hostEnd, h.start != h.start0, h.flags)
}

// userinfoEnd returns the offset after "user[:password]@" at p, or 0.
func userinfoEnd(s string, p int) int {
	for q := p; q < len(s) && q-p < 128; q++ {
		switch c := s[q]; {
		case c == '@':
			if q == p {
				return 0
			}
			return q + 1
		case c == '/' || c == '?' || c == '#' || !urlByte(c):
			return 0
		}
	}
	return 0
}

// urlRest returns the end of a URL whose host ends at e: the path, query
// and fragment, without trailing punctuation or an unbalanced closing
// bracket.
func urlRest(s string, e, start int) int {
	if c := at(s, e); c != '/' && c != '?' && c != '#' {
		return e
	}
	end := e
	for end < len(s) && end-start < maxURL && urlByte(s[end]) {
		end++
	}
	for end > e {
		c := s[end-1]
		switch {
		case strings.IndexByte(".,;:!?*", c) >= 0:
		case c == ')' && strings.Count(s[start:end], "(") < strings.Count(s[start:end], ")"):
		case c == ']' && strings.Count(s[start:end], "[") < strings.Count(s[start:end], "]"):
		default:
			return end
		}
		end--
	}
	return end
}

// schemelessURL matches a domain at s[i:h] followed by a path, such as
// example.com/abc or example.com:8080/x; it returns the end or -1.
func (sc *scanner) schemelessURL(i, h int) int {
	s := sc.s
	p := h
	if at(s, p) == ':' {
		if q := run(s, p+1, isDigit); q > p+1 && validPort(s[p+1:q]) && at(s, q) == '/' {
			p = q
		}
	}
	if at(s, p) != '/' {
		return -1
	}
	end := urlRest(s, p, i)
	if end <= p+1 {
		return -1
	}
	d := strings.ToLower(s[i:h])
	sc.c.add(URL, d+s[h:end], i, end, false, nil)
	sc.c.add(Domain, d, i, h, false, domainFlags(d))
	sc.innerDomains(p, end)
	return end
}

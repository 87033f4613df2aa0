package extract

import (
	"strconv"
	"strings"
)

// cve matches CVE-YYYY-NNNN (also "CVE YYYY-NNNN" and "cve-…") where the
// word s[i:j] is "cve"; it returns the end or -1. The year is 1999 or
// later (the first CVE ids) and the number has 4 to 8 digits, not all 0.
func (sc *scanner) cve(i, j int) int {
	s := sc.s
	p := j
	if c := at(s, p); c == '-' || c == ' ' {
		p++
	}
	y := run(s, p, isDigit)
	if y-p != 4 || at(s, y) != '-' || s[p:y] < "1999" {
		return -1
	}
	n := run(s, y+1, isDigit)
	if n-y-1 < 4 || n-y-1 > 8 || isWord(at(s, n)) || strings.Trim(s[y+1:n], "0") == "" {
		return -1
	}
	sc.c.add(CVE, "CVE-"+s[p:y]+"-"+s[y+1:n], i, n, false, nil)
	return n
}

// asn matches an autonomous system number where the word s[i:j] starts
// with "as": AS13335, asn13335, ASN 13335, AS 13335. "as 2014" with a
// lowercase "as" and a space is English, not an ASN.
func (sc *scanner) asn(i, j int) int {
	s := sc.s
	w := s[i:j]
	lw := strings.ToLower(w)
	var digits string
	end := j
	switch {
	case strings.HasPrefix(lw, "asn") && isAllDigits(w[3:]):
		digits = w[3:]
	case strings.HasPrefix(lw, "as") && isAllDigits(w[2:]):
		digits = w[2:]
	}
	if digits == "" && (lw == "asn" || w == "AS") && at(s, j) == ' ' {
		end = run(s, j+1, isDigit)
		if isWord(at(s, end)) {
			return -1
		}
		digits = s[j+1 : end]
	}
	if at(s, end) == '.' && isAlnum(at(s, end+1)) {
		return -1 // a host name label such as as1234.example.net
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if digits == "" || err != nil || n == 0 || len(digits) > 10 {
		return -1
	}
	sc.c.add(ASN, "AS"+strconv.FormatUint(n, 10), i, end, false, nil)
	return end
}

func isAllDigits(s string) bool {
	return s != "" && run(s, 0, isDigit) == len(s)
}

// maxUserAgent bounds the bytes a user agent may span.
const maxUserAgent = 1024

// userAgent matches "Mozilla/x.y (…)" followed by product/version tokens
// and comments, stopping at the next "Mozilla/" or at anything else. It
// needs at least one parenthesised comment.
func (sc *scanner) userAgent(i, j int) int {
	s := sc.s
	p := run(s, j+1, uaVersionByte)
	if p == j+1 {
		return -1
	}
	comments := 0
	for p-i < maxUserAgent && at(s, p) == ' ' {
		q := uaItem(s, p+1, true)
		if q < 0 {
			break
		}
		if s[p+1] == '(' {
			comments++
		}
		p = q
	}
	if comments == 0 {
		return -1
	}
	sc.c.add(UserAgent, s[i:p], i, p, false, nil)
	return p
}

func uaVersionByte(c byte) bool { return isWord(c) || c == '.' || c == '-' || c == '+' }

// uaItem reads one user-agent item at p: a (comment), a product/version,
// or (when bare is set) a bare word followed by a product/version, as
// "like Gecko" or "Gecko Firefox/11.0". It returns the end or -1.
func uaItem(s string, p int, bare bool) int {
	if at(s, p) == '(' {
		q := strings.IndexByte(s[p:min(len(s), p+256)], ')')
		if q < 0 || strings.ContainsAny(s[p+1:p+q], "(\n") {
			return -1
		}
		return p + q + 1
	}
	name := run(s, p, uaVersionByte)
	if name == p || hasFoldAt(s, p, "mozilla/") {
		return -1
	}
	if at(s, name) == '/' {
		v := run(s, name+1, uaVersionByte)
		if v == name+1 {
			return -1
		}
		return v
	}
	if bare && at(s, name) == ' ' && at(s, name+1) != '(' && uaItem(s, name+1, false) > 0 {
		return name
	}
	return -1
}

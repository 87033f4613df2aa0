package extract

import "strings"

// Indicators returns the indicators found in text, ordered by first
// occurrence. It runs in time and memory linear in len(text).
// Past MaxIndicators distinct values, later ones are dropped; Extract
// reports that in Result.Truncated.
func Indicators(text string) []Indicator {
	ind, _ := indicators(text)
	return ind
}

// indicators is Indicators, also reporting whether MaxIndicators cut the
// list short.
func indicators(text string) ([]Indicator, bool) {
	rf := refang(text)
	sc := scanner{s: rf.s, c: newCollector(text, &rf)}
	sc.run()
	return sc.c.result(), sc.c.capped
}

// scanner walks the refanged text once. Every matcher starts at a word
// start and looks ahead a bounded distance, and the walk resumes after
// whatever a matcher consumed, so the whole pass is linear.
type scanner struct {
	s string
	c *collector
}

func (sc *scanner) run() {
	s := sc.s
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isWord(c) && i > 0 && isWord(s[i-1]):
			i = run(s, i, isWord)
		case isAlnum(c):
			i = sc.word(i)
		case c == '<' || c == '%' || c == '\\' || c == '/' || c == '~' || c == ':':
			i = max(sc.symbol(i), i+1)
		default:
			i++
		}
	}
}

// symbol tries the matchers that start with punctuation.
func (sc *scanner) symbol(i int) int {
	switch sc.s[i] {
	case '<':
		return sc.registry(i)
	case '%', '\\':
		return sc.winPath(i)
	case '/', '~':
		return sc.unixPath(i)
	case ':':
		return sc.ipv6(i)
	}
	return -1
}

// word tries every matcher that starts with a letter or digit at i and
// returns where to resume.
func (sc *scanner) word(i int) int {
	s := sc.s
	j := run(s, i, isWord)
	if e := sc.keyword(i, j); e > i {
		return e
	}
	if c := at(s, j); c == '@' || (c != 0 && classes[c]&clLocalPunct != 0) {
		if e := sc.email(i); e > i {
			return e
		}
	}
	if c := at(s, j); c == ':' || c == '-' || c == '.' {
		if e := sc.mac(i); e > i {
			return e
		}
	}
	if c := at(s, j); c == ':' || (c == '.' && strings.Contains(s[i:min(j+8, len(s))], ":")) {
		if e := sc.ipv6(i); e > i {
			return e
		}
	}
	if isDigit(s[i]) && at(s, j) == '.' {
		if e := sc.ipv4(i); e > i {
			return e
		}
	}
	return sc.host(i, j)
}

// urlSchemes are the schemes taken to start a URL.
var urlSchemes = toSet([]string{
	"http", "https", "ftp", "ftps", "sftp", "tcp", "udp", "ws", "wss", "smb",
	"ssh", "rdp", "ldap", "ldaps", "irc", "telnet", "git",
})

// keyword tries the matchers announced by their first word: a URL scheme,
// a registry hive, a drive letter, Mozilla/, CVE and AS. Cheap checks on
// the byte after the word come first: most words announce nothing.
func (sc *scanner) keyword(i, j int) int {
	s := sc.s
	switch next := at(s, j); {
	case next == ':':
		if j-i <= 6 && strings.HasPrefix(s[j:], "://") && urlSchemes[lowerWord(s[i:j])] {
			return sc.url(i, j)
		}
	case next == '\\':
		if hasFoldAt(s, i, "hk") {
			return sc.registry(i)
		}
	case next == '/' && j-i == 7 && hasFoldAt(s, i, "mozilla"):
		return sc.userAgent(i, j)
	}
	switch {
	case j == i+1 && at(s, j) == ':' && at(s, j+1) == '\\':
		return sc.winPath(i)
	case j-i == 3 && hasFoldAt(s, i, "cve"):
		return sc.cve(i, j)
	case hasFoldAt(s, i, "as"):
		return sc.asn(i, j)
	}
	return -1
}

// lowerWord lowercases a short ASCII word without allocating when it is
// already lowercase.
func lowerWord(w string) string {
	for k := 0; k < len(w); k++ {
		if 'A' <= w[k] && w[k] <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

// host handles the run of host bytes and dots at i (word end j): an IPv4
// address, a domain, a schemeless URL, a file name, a hash or a wallet.
// It returns the end of the run, so nothing inside a rejected dotted run
// ("1.2.3.4.5", "v1.2.3.4") is tried again.
func (sc *scanner) host(i, j int) int {
	s := sc.s
	h := run(s, i, isHostOrDot)
	for h > j && (s[h-1] == '.' || s[h-1] == '-') {
		h--
	}
	if h == j || !strings.Contains(s[i:h], ".") {
		if !sc.hash(i, j) {
			sc.wallet(i, j)
		}
		return j
	}
	if isDigit(s[i]) && isDigit(s[h-1]) {
		return h // a dotted number that is not an address
	}
	ctx := bareHost
	if sc.defanged(i, h) {
		ctx = linkedHost
	}
	if validDomain(s[i:h], ctx) {
		if e := sc.schemelessURL(i, h); e > 0 {
			return e
		}
		d := strings.ToLower(s[i:h])
		sc.c.add(Domain, d, i, h, false, domainFlags(d))
		return h
	}
	if ext := s[strings.LastIndexByte(s[i:h], '.')+i+1 : h]; fileExts[strings.ToLower(ext)] {
		sc.c.add(FileName, s[i:h], i, h, false, nil)
	}
	sc.hash(i, j)
	return h
}

// defanged reports whether s[r0:r1] differs from the original text.
func (sc *scanner) defanged(r0, r1 int) bool {
	rf := sc.c.rf
	if len(rf.reps) == 0 {
		return false
	}
	return sc.c.src[rf.origStart(r0):rf.origEnd(r1)] != rf.s[r0:r1]
}

package extract

import "strings"

// Path rules. A path is a run of components after a root (a drive "C:", a
// UNC host, a %VARIABLE%, a registry hive, "/" or "~/"). A component may
// hold single spaces ("Program Files", "Windows NT") only when another
// separator follows it; the last component ends at its first space, so
// "…\Run key" stops before "key". A "<placeholder>" must be closed within
// its component. A path that runs into a wildcard (* or ?) is a pattern,
// not a path, and is dropped.

// maxPath bounds the bytes a path or registry key may span.
const maxPath = 2048

// maxComponent bounds one component (NTFS allows 255 bytes), and so the
// work done at each separator.
const maxComponent = 255

// components walks sep-separated components from p (s[p] == sep). It
// returns the end of the accepted path and the number of non-empty
// components, or end -1 when a component is malformed. spaceSep allows a
// space right before a separator ("AppData \Local", seen in Windows
// reports; in Unix prose "/etc/passwd and /etc/shadow" it would join two
// paths).
func components(s string, p int, sep byte, ok func(byte) bool, spaceSep bool) (end, n int) {
	start := p
	for at(s, p) == sep && p-start < maxPath {
		p++
		q, firstSpace := p, -1
		for ; q < len(s) && s[q] != sep && q-p < maxComponent; q++ {
			if s[q] == ' ' {
				if nxt := at(s, q+1); (!ok(nxt) && (nxt != sep || !spaceSep)) ||
					(sep == '\\' && hiveAt(s, q+1)) {
					break
				}
				if firstSpace < 0 {
					firstSpace = q
				}
				continue
			}
			if !ok(s[q]) {
				break
			}
		}
		if at(s, q) == sep {
			if q == p || !balanced(s[p:q]) {
				return -1, 0
			}
			n, p = n+1, q
			continue
		}
		last := q
		if firstSpace >= 0 {
			last = firstSpace
		}
		for last > p && strings.IndexByte(".,;:)'", s[last-1]) >= 0 {
			last--
		}
		if last == p {
			return p, n
		}
		if !balanced(s[p:last]) {
			return -1, 0
		}
		return last, n + 1
	}
	return p, n
}

// balanced reports whether every '<' in a component is closed by a '>'.
func balanced(c string) bool {
	depth := 0
	for k := 0; k < len(c); k++ {
		switch c[k] {
		case '<':
			depth++
		case '>':
			depth--
		}
		if depth < 0 || depth > 1 {
			return false
		}
	}
	return depth == 0
}

func winOK(c byte) bool  { return c > 0x20 && c < 0x7f && strings.IndexByte(`\/:*?"|`, c) < 0 }
func regOK(c byte) bool  { return c > 0x20 && c < 0x7f && c != '\\' && c != '"' }
func unixOK(c byte) bool { return isWord(c) || strings.IndexByte(".-+@~=%$#", c) >= 0 }

// hives are the registry root keys, long and short forms.
var hives = toSet([]string{
	"HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT", "HKEY_USERS",
	"HKEY_CURRENT_CONFIG", "HKEY_PERFORMANCE_DATA", "HKEY_DYN_DATA",
	"HKLM", "HKCU", "HKCR", "HKU", "HKCC", "HKPD",
})

// hiveAt reports whether a registry key (a hive then a backslash, the
// hive perhaps in <>) starts at p; it ends the key before it.
func hiveAt(s string, p int) bool {
	if at(s, p) == '<' {
		p++
	}
	q := run(s, p, isWord)
	return q-p >= 3 && hives[strings.ToUpper(s[p:q])] && (at(s, q) == '\\' || at(s, q) == '>')
}

// registry matches a registry key such as HKLM\Software\… or
// <HKCU>\Software\… at i; it returns the end or -1.
func (sc *scanner) registry(i int) int {
	s := sc.s
	p := i
	angle := s[p] == '<'
	if angle {
		p++
	}
	q := run(s, p, isWord)
	if !hives[strings.ToUpper(s[p:q])] {
		return -1
	}
	hive := s[p:q]
	if angle {
		if at(s, q) != '>' {
			return -1
		}
		q++
	}
	end, n := components(s, q, '\\', regOK, false)
	if end < 0 || n == 0 {
		return -1
	}
	sc.c.add(RegistryKey, hive+s[q:end], i, end, false, nil)
	return end
}

// winPath matches a Windows path at i: C:\…, \\host\… or %VAR%\….
func (sc *scanner) winPath(i int) int {
	s := sc.s
	var root int
	switch {
	case isAlpha(s[i]) && at(s, i+1) == ':' && at(s, i+2) == '\\':
		root = i + 2
	case s[i] == '\\' && at(s, i+1) == '\\' && isAlnum(at(s, i+2)):
		root = run(s, i+2, func(c byte) bool { return isHostByte(c) || c == '.' })
	case s[i] == '%':
		q := run(s, i+1, func(c byte) bool { return isWord(c) || c == '(' || c == ')' })
		if q == i+1 || q-i > 40 || at(s, q) != '%' || !isAlpha(s[i+1]) {
			return -1
		}
		root = q + 1
	default:
		return -1
	}
	if at(s, root) != '\\' {
		return -1
	}
	end, n := components(s, root, '\\', winOK, true)
	if end < 0 || n == 0 || at(s, end) == '*' || at(s, end) == '?' {
		return -1
	}
	sc.c.add(FilePath, s[i:end], i, end, false, nil)
	return end
}

// unixPath matches /a/b… or ~/a… at i, at least two components deep (one
// for ~/), the first starting with a letter, dot or underscore.
func (sc *scanner) unixPath(i int) int {
	s := sc.s
	if i > 0 && strings.IndexByte(" \t\n\r(\"'`=:[,;>", s[i-1]) < 0 {
		return -1
	}
	p, need := i, 2
	if s[i] == '~' {
		if at(s, i+1) != '/' {
			return -1
		}
		p, need = i+1, 1
	}
	if c := at(s, p+1); !isAlpha(c) && c != '.' && c != '_' {
		return -1
	}
	end, n := components(s, p, '/', unixOK, false)
	if end < 0 || n < need {
		return -1
	}
	sc.c.add(FilePath, s[i:end], i, end, false, nil)
	return end
}

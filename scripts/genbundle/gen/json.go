package gen

const hexDigits = "0123456789abcdef"

// jsonObj appends the members of one JSON object, in the order written.
type jsonObj struct {
	b []byte
	n int
}

func (j *jsonObj) key(k string) {
	if j.n == 0 {
		j.b = append(j.b, '{')
	} else {
		j.b = append(j.b, ',')
	}
	j.n++
	j.b = appendString(j.b, k)
	j.b = append(j.b, ':')
}

func (j *jsonObj) str(k, v string) {
	j.key(k)
	j.b = appendString(j.b, v)
}

// raw adds a member whose value is already JSON.
func (j *jsonObj) raw(k, v string) {
	j.key(k)
	j.b = append(j.b, v...)
}

func (j *jsonObj) strs(k string, vs []string) {
	j.key(k)
	j.b = append(j.b, '[')
	for i, v := range vs {
		if i > 0 {
			j.b = append(j.b, ',')
		}
		j.b = appendString(j.b, v)
	}
	j.b = append(j.b, ']')
}

func (j *jsonObj) end() []byte { return append(j.b, '}') }

// appendString appends s as a JSON string: quotes, backslashes and control
// characters escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

package pdf

import (
	"strconv"
	"strings"
	"time"
)

// parseDate reads a PDF date "D:YYYYMMDDHHmmSSOHH'mm'", where every part
// after the year is optional. It returns the zero time when s is not one.
func parseDate(s string) time.Time {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits < 4 {
		return time.Time{}
	}
	part := func(i, def int) int {
		if i+2 > digits {
			return def
		}
		v, _ := strconv.Atoi(s[i : i+2])
		return v
	}
	year, _ := strconv.Atoi(s[:4])
	loc := zone(s[digits:])
	t := time.Date(year, time.Month(part(4, 1)), part(6, 1), part(8, 0), part(10, 0), part(12, 0), 0, loc)
	if t.Year() != year || t.Month() != time.Month(part(4, 1)) || t.Day() != part(6, 1) {
		return time.Time{}
	}
	return t.UTC()
}

// zone reads "Z", "+HH'mm'" or "-HH'mm" into a fixed zone (UTC if absent).
func zone(s string) *time.Location {
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return time.UTC
	}
	h, err := strconv.Atoi(s[1:3])
	if err != nil {
		return time.UTC
	}
	m := 0
	rest := strings.Trim(s[3:], "'")
	if len(rest) >= 2 {
		m, _ = strconv.Atoi(rest[:2])
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off)
}

package document

import (
	"regexp"
	"strings"
	"time"
)

// dateLayouts are the date forms found in advisories, blogs and metadata.
var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006",
	"January 2, 2006", "January 2 2006", "Jan 2, 2006", "Jan. 2, 2006", "Jan 2 2006",
	"Monday, January 2, 2006", "Mon, January 2, 2006",
	"2 January 2006", "02 January 2006", "2 Jan 2006", "02 Jan 2006", "2-Jan-2006",
	"January 2006", "2006/01/02", "2006.01.02", "20060102",
}

var ordinal = regexp.MustCompile(`(\d)(st|nd|rd|th)\b`)

// parseDate reads s in any of dateLayouts, after dropping ordinal suffixes
// ("May 2nd") and a trailing zone name. It returns the zero time when
// nothing fits or the year is implausible.
func parseDate(s string) time.Time {
	s = strings.TrimSpace(ordinal.ReplaceAllString(s, "$1"))
	s = strings.TrimSuffix(strings.TrimSuffix(s, " UTC"), " GMT")
	s = strings.Trim(s, " .,;")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1980 || t.Year() > 2200 {
				return time.Time{}
			}
			return t.UTC()
		}
	}
	return time.Time{}
}

// dateLine matches a leading line that states a date: "Published: ...",
// "Date: ...", "Release date - ...", or a date alone.
var dateLine = regexp.MustCompile(
	`(?i)^\s*(?:\*\*|__)?(?:(?:originally\s+)?(?:published|posted|released?|release\s+date|date|issued|first\s+published|last\s+updated|updated)(?:\s+on)?\s*(?:\*\*|__)?\s*[:\-–—]?\s*(?:\*\*|__)?\s*)?(.+?)(?:\*\*|__)?\s*$`,
)

// leadingDate looks for a date in the first lines of text.
func leadingDate(lines []string) time.Time {
	for i, ln := range lines {
		if i >= 15 {
			break
		}
		m := dateLine.FindStringSubmatch(ln)
		if m == nil || len(m[1]) > 60 {
			continue
		}
		if t := parseDate(m[1]); !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

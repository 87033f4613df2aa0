// Package deps pins modules that packages under construction will import.
package deps

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/net/html"
	_ "golang.org/x/net/publicsuffix"
	_ "golang.org/x/term"
	_ "modernc.org/sqlite"
)


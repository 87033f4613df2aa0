// Package extract finds indicators of compromise (IP addresses, domains,
// URLs, hashes, file paths, registry keys, wallets, …) and named entities
// (ATT&CK techniques and tactics, malware, tools, groups, countries and
// industry sectors) in threat-report prose, with the byte spans where each
// one occurs.
//
// Indicators works in one linear pass over the text after a refanging pass
// that undoes the usual defanging (hxxp, [.], (dot), [@], …); values come
// back refanged and normalised. Entities uses a token n-gram hash lookup
// against an immutable Lexicon, so thousands of names cost about as much as
// ten. Neither ever reads the network or the file system.
//
// docs/extract.md describes the rules in detail (what counts as a domain,
// how very short or very common names are matched, which STIX observable
// each kind maps to).
package extract

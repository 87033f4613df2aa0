package extract

import (
	"strconv"
	"strings"
)

// ObservableType returns the STIX 2.1 cyber-observable type that holds the
// indicator, or "" when STIX has none (CVE, which is a vulnerability SDO).
// STIX has no wallet observable, so wallets use the custom type
// x-cryptocurrency-wallet; user agents live in network-traffic's
// http-request-ext; a file path whose last element has no extension is a
// directory.
func (i Indicator) ObservableType() string {
	switch i.Kind {
	case IPv4, IPv4CIDR:
		return "ipv4-addr"
	case IPv6, IPv6CIDR:
		return "ipv6-addr"
	case Domain:
		return "domain-name"
	case URL:
		return "url"
	case Email:
		return "email-addr"
	case MD5, SHA1, SHA256, SHA512, FileName:
		return "file"
	case FilePath:
		if dir, _ := splitPath(i.Value); dir == "" {
			return "directory"
		}
		return "file"
	case RegistryKey:
		return "windows-registry-key"
	case ASN:
		return "autonomous-system"
	case BitcoinAddress, EthereumAddress, MoneroAddress:
		return "x-cryptocurrency-wallet"
	case UserAgent:
		return "network-traffic"
	case MAC:
		return "mac-addr"
	}
	return ""
}

// Pattern returns a STIX 2.1 pattern that matches the indicator, such as
// [ipv4-addr:value = '1.2.3.4'], with quotes and backslashes escaped, or ""
// for kinds with no observable (CVE).
func (i Indicator) Pattern() string {
	typ := i.ObservableType()
	if typ == "" {
		return ""
	}
	v := quote(i.Value)
	switch i.Kind {
	case MD5:
		return "[file:hashes.MD5 = " + v + "]"
	case SHA1:
		return "[file:hashes.'SHA-1' = " + v + "]"
	case SHA256:
		return "[file:hashes.'SHA-256' = " + v + "]"
	case SHA512:
		return "[file:hashes.'SHA-512' = " + v + "]"
	case FileName:
		return "[file:name = " + v + "]"
	case FilePath:
		return pathPattern(i.Value)
	case RegistryKey:
		return "[windows-registry-key:key = " + v + "]"
	case ASN:
		n, _ := strconv.ParseUint(strings.TrimPrefix(i.Value, "AS"), 10, 32)
		return "[autonomous-system:number = " + strconv.FormatUint(n, 10) + "]"
	case BitcoinAddress, EthereumAddress, MoneroAddress:
		return "[x-cryptocurrency-wallet:address = " + v + "]"
	case UserAgent:
		return "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = " + v + "]"
	}
	return "[" + typ + ":value = " + v + "]"
}

// pathPattern matches a file by name and directory, or a bare directory.
func pathPattern(p string) string {
	dir, name := splitPath(p)
	if dir == "" {
		return "[directory:path = " + quote(p) + "]"
	}
	return "[file:name = " + quote(name) + " AND file:parent_directory_ref.path = " + quote(dir) + "]"
}

// splitPath splits a path at its last separator when the last element
// looks like a file name (has an extension); dir is "" otherwise.
func splitPath(p string) (dir, name string) {
	k := strings.LastIndexAny(p, `\/`)
	if k <= 0 || k == len(p)-1 || !strings.Contains(p[k+1:], ".") {
		return "", p
	}
	return p[:k], p[k+1:]
}

// quote returns s as a STIX pattern string literal.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

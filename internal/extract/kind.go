package extract

// Span is a byte range [Start,End) in the text given to the extractor.
type Span struct {
	Start int // offset of the first byte
	End   int // offset one past the last byte
}

// Kind names the type of an indicator.
type Kind string

// The kinds of indicator that Indicators reports.
const (
	IPv4            Kind = "ipv4"             // dotted quad, port dropped
	IPv6            Kind = "ipv6"             // RFC 5952 canonical form
	IPv4CIDR        Kind = "ipv4-cidr"        // address/prefix as written
	IPv6CIDR        Kind = "ipv6-cidr"        // canonical address/prefix
	Domain          Kind = "domain"           // lowercase, ICANN top-level domain
	URL             Kind = "url"              // scheme and host lowercase, rest as written
	Email           Kind = "email"            // lowercase
	MD5             Kind = "md5"              // 32 hex digits, lowercase
	SHA1            Kind = "sha1"             // 40 hex digits, lowercase
	SHA256          Kind = "sha256"           // 64 hex digits, lowercase
	SHA512          Kind = "sha512"           // 128 hex digits, lowercase
	FileName        Kind = "file-name"        // name.ext with a known extension, as written
	FilePath        Kind = "file-path"        // Windows, UNC, %VAR% or Unix path, as written
	RegistryKey     Kind = "registry-key"     // hive as written, without <>
	CVE             Kind = "cve"              // CVE-YYYY-NNNN, uppercase
	ASN             Kind = "asn"              // AS followed by the number
	BitcoinAddress  Kind = "bitcoin-address"  // base58check or bech32, checksum verified
	EthereumAddress Kind = "ethereum-address" // 0x and 40 hex digits, lowercase
	MoneroAddress   Kind = "monero-address"   // 95 or 106 base58 characters
	UserAgent       Kind = "user-agent"       // Mozilla/… string as written
	MAC             Kind = "mac"              // lowercase, colon separated
)

// Flags set on addresses and domains reserved for special use. They are
// reported rather than dropped: a private address in a report is still
// worth showing, but seldom worth blocking.
const (
	FlagPrivate       = "private"       // RFC 1918, fc00::/7
	FlagLoopback      = "loopback"      // 127/8, ::1
	FlagDocumentation = "documentation" // RFC 5737, 2001:db8::/32, example.com
	FlagReserved      = "reserved"      // 0/8, 240/4, 100.64/10, 198.18/15
	FlagMulticast     = "multicast"     // 224/4, ff00::/8
	FlagLinkLocal     = "link-local"    // 169.254/16, fe80::/10
	FlagUnspecified   = "unspecified"   // 0.0.0.0, ::
)

// Indicator is one distinct value found in a text, with every place it
// occurs.
type Indicator struct {
	Kind     Kind
	Value    string   // refanged and normalised (see the Kind constants)
	Spans    []Span   // every occurrence, in text order, at most MaxSpans
	Defanged bool     // at least one occurrence was defanged
	Flags    []string // Flag* values that apply, nil when none
}

// MaxSpans bounds the spans kept for one indicator or entity; occurrences
// past it are counted nowhere. It keeps the output of pathological input
// (the same address a million times) small.
const MaxSpans = 1000

// MaxIndicators bounds the distinct indicators returned for one text;
// values first seen past it are dropped and Result.Truncated is set.
const MaxIndicators = 100000

package llm

import (
	"net/url"
	"regexp"
	"strings"
)

// Public endpoints used when Config.Endpoint is empty.
const (
	OpenAIEndpoint  = "https://api.openai.com/v1"
	MistralEndpoint = "https://api.mistral.ai/v1"
	OllamaEndpoint  = "http://localhost:11434"
)

// versionSegment matches the last path segment of an API root that already
// names its version (v1, v1beta, v4) or is a vendor's OpenAI-compatible root.
var versionSegment = regexp.MustCompile(`^(v[0-9]+[a-z0-9]*|openai)$`)

// pastedSuffixes are operation paths users paste along with the base URL.
var pastedSuffixes = []string{
	"/chat/completions",
	"/completions",
	"/embeddings",
	"/models",
	"/api/chat",
	"/api/generate",
	"/api/tags",
}

// apiRoot returns the URL under which the type's API paths live:
// ".../v1" for OpenAI-compatible types, ".../openai" for Azure, the server
// root for native Ollama. It also returns an api-version found in a pasted
// Azure URL.
func apiRoot(typ Type, endpoint string) (root, apiVersion string, err error) {
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return defaultEndpoint(typ), "", nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", &ConfigError{
			Field:  "Endpoint",
			Reason: "want an absolute http:// or https:// URL, got " + quote(endpoint),
		}
	}
	apiVersion = u.Query().Get("api-version")
	u.RawQuery, u.Fragment, u.User = "", "", nil
	u.Path = cleanPath(u.Path)
	switch typ {
	case Ollama:
		u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/v1"), "/api")
	case AzureOpenAI:
		if i := strings.Index(u.Path+"/", "/openai/"); i >= 0 {
			u.Path = u.Path[:i]
		}
		u.Path += "/openai"
	default:
		if !versionSegment.MatchString(lastPathElem(u.Path)) {
			u.Path += "/v1"
		}
	}
	u.RawPath = ""
	return strings.TrimSuffix(u.String(), "/"), apiVersion, nil
}

// cleanPath drops trailing slashes and pasted operation paths, and collapses
// a doubled /v1 into one.
func cleanPath(p string) string {
	p = strings.TrimRight(p, "/")
	for _, s := range pastedSuffixes {
		p = strings.TrimSuffix(p, s)
	}
	for strings.Contains(p+"/", "/v1/v1/") {
		p = strings.Replace(p+"/", "/v1/v1/", "/v1/", 1)
		p = strings.TrimSuffix(p, "/")
	}
	return strings.TrimRight(p, "/")
}

func defaultEndpoint(typ Type) string {
	switch typ {
	case Mistral:
		return MistralEndpoint
	case Ollama:
		return OllamaEndpoint
	default:
		return OpenAIEndpoint
	}
}

// serverRoot returns scheme://host of an API root, where Ollama's native
// API lives even when the client speaks its /v1 API.
func serverRoot(root string) string {
	u, err := url.Parse(root)
	if err != nil {
		return root
	}
	return u.Scheme + "://" + u.Host
}

// isPublicCloud reports whether root is a provider's public API, where
// Ollama-specific fallbacks have no business.
func isPublicCloud(root string) bool {
	u, err := url.Parse(root)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "api.openai.com" || h == "api.mistral.ai" || strings.HasSuffix(h, ".openai.azure.com")
}

func quote(s string) string { return `"` + s + `"` }

package ai

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/tipster-cti/tipster/internal/stix"
)

// Location says where a provider keeps what it is sent.
type Location string

// The locations.
const (
	Local Location = "local" // on infrastructure the operator controls
	Cloud Location = "cloud" // a third party's service
)

// ParseLocation reads AI__LOCATION; "" is returned as "" (not set).
func ParseLocation(s string) (Location, error) {
	switch l := Location(strings.ToLower(strings.TrimSpace(s))); l {
	case "", Local, Cloud:
		return l, nil
	}
	return "", fmt.Errorf("AI__LOCATION=%q: want local or cloud", s)
}

// bridgeGateway is Docker's default bridge gateway, the host as a
// container sees it.
const bridgeGateway = "172.17.0.1"

// Classify tells where a provider of type typ at endpoint keeps data. The
// builtin engine is local; a loopback, private (RFC 1918, fc00::/7),
// link-local or CGNAT address, a .local or single-label name, the Docker
// bridge and host.docker.internal are local; every other host, named
// public clouds included, is cloud. An empty endpoint means the type's
// public default: cloud, except native Ollama (localhost).
func Classify(typ, endpoint string) Location {
	switch strings.ToLower(typ) {
	case "", "builtin":
		return Local
	}
	host := endpointHost(typ, endpoint)
	if host == "" {
		return Cloud
	}
	return classifyHost(host)
}

// endpointHost returns the host name of the endpoint, or of the type's
// default endpoint when it is empty.
func endpointHost(typ, endpoint string) string {
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		if strings.EqualFold(typ, "ollama") {
			return "localhost"
		}
		return defaultCloudHost(typ)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

func defaultCloudHost(typ string) string {
	if strings.EqualFold(typ, "mistralai") {
		return "api.mistral.ai"
	}
	return "api.openai.com"
}

func classifyHost(host string) Location {
	host = strings.TrimSuffix(host, ".")
	switch {
	case host == "localhost", strings.HasSuffix(host, ".localhost"),
		host == "host.docker.internal", host == "gateway.docker.internal",
		strings.HasSuffix(host, ".local"), strings.HasSuffix(host, ".internal"),
		strings.HasSuffix(host, ".lan"), strings.HasSuffix(host, ".home.arpa"):
		return Local
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return classifyIP(ip)
	}
	if !strings.Contains(host, ".") {
		return Local // a single-label name: a Compose service such as "ollama"
	}
	return Cloud
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func classifyIP(ip netip.Addr) Location {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || cgnat.Contains(ip) ||
		ip.String() == bridgeGateway {
		return Local
	}
	return Cloud
}

// DefaultMaxTLP is the highest level a provider at loc may receive when
// AI__MAX_TLP is not set: TLP:AMBER for cloud, TLP:RED for local.
func DefaultMaxTLP(loc Location) stix.TLP {
	if loc == Local {
		return stix.TLPRed
	}
	return stix.TLPAmber
}

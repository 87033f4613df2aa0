package llm

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// Diagnosis explains a failure to an operator.
type Diagnosis struct {
	Kind    ErrorKind
	Problem string // what is wrong, in plain words
	Fix     string // what to do about it
	Detail  string // the provider's own text and the URL, for the log
}

// inContainer reports whether this process runs in a container, where
// "localhost" means the container itself. Tests replace it.
var inContainer = func() bool {
	for _, f := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	return false
}

// Diagnose explains err, returned by a Client made from cfg, in plain words
// with the fix, including the usual Docker mistakes. It returns the zero
// Diagnosis for a nil err.
func Diagnose(cfg Config, err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return Diagnosis{Problem: "The AI settings are incomplete: " + ce.Field + " is " + ce.Reason + ".",
			Fix: "Correct the AI " + strings.ToLower(ce.Field) + " setting."}
	}
	var e *Error
	if !errors.As(err, &e) {
		return Diagnosis{Problem: err.Error()}
	}
	cfg = cfg.withDefaults()
	s := situation{cfg: cfg, e: e}
	s.host, s.port = s.address()
	d := s.explain()
	d.Kind = e.Kind
	d.Detail = detail(e)
	if hint := typeMismatch(cfg); hint != "" && e.Kind != KindUnreachable && e.Kind != KindTLS {
		d.Fix = hint + " " + d.Fix
	}
	return d
}

// situation is what Diagnose knows about one failure.
type situation struct {
	cfg        Config
	e          *Error
	host, port string
}

// address returns the host and port the failed request went to.
func (s situation) address() (host, port string) {
	raw := s.e.URL
	if raw == "" {
		raw, _, _ = apiRoot(s.cfg.Type, s.cfg.Endpoint)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	port = u.Port()
	if port == "" && u.Scheme == "https" {
		port = "443"
	} else if port == "" {
		port = "80"
	}
	return u.Hostname(), port
}

func (s situation) hostPort() string { return net.JoinHostPort(s.host, s.port) }

func (s situation) explain() Diagnosis {
	switch s.e.Kind {
	case KindUnreachable:
		return s.unreachable()
	case KindTLS:
		return s.tls()
	case KindAuth:
		return s.auth()
	case KindModelNotFound:
		return s.modelNotFound()
	case KindWrongEndpoint:
		return s.wrongEndpoint()
	case KindTimeout:
		return s.timeout()
	}
	return s.answered()
}

func (s situation) unreachable() Diagnosis {
	var dns *net.DNSError
	switch {
	case errors.As(s.e, &dns):
		return Diagnosis{Problem: fmt.Sprintf("The host name %q does not resolve.", s.host),
			Fix: "Check the AI endpoint's spelling. Inside Docker Compose, use the service name of the model server (http://ollama:11434) and put both services on one network."}
	case s.host == "172.17.0.1":
		return Diagnosis{
			Problem: fmt.Sprintf(
				"Nothing answered at %s, the Docker bridge gateway, which is the host as a container sees it.",
				s.hostPort(),
			),
			Fix: "Make the model server listen on all of the host's interfaces, not only 127.0.0.1 (for Ollama: OLLAMA_HOST=0.0.0.0, or run its container with -p " + s.port + ":" + s.port + "), and check that no firewall drops traffic from docker0. Simpler: put Tipster and Ollama in one Compose network and use http://ollama:" + s.port + "; on Docker Desktop use http://host.docker.internal:" + s.port + ".",
		}
	case isLoopback(s.host) && inContainer():
		return Diagnosis{
			Problem: fmt.Sprintf(
				"Nothing answered at %s. Tipster runs in a container, where %q is the container itself, not the host.",
				s.hostPort(),
				s.host,
			),
			Fix: "Point the AI endpoint at the host or the model server's container: http://host.docker.internal:" + s.port + " (add extra_hosts: [\"host.docker.internal:host-gateway\"] on Linux), the Compose service name, or 172.17.0.1 with the server listening on all interfaces.",
		}
	case s.port == "11434" || s.cfg.Type == Ollama:
		return Diagnosis{Problem: fmt.Sprintf("Nothing is listening at %s.", s.hostPort()),
			Fix: "Start Ollama (ollama serve, or its container) and check that OLLAMA_HOST matches this address."}
	}
	return Diagnosis{Problem: fmt.Sprintf("Nothing answered at %s.", s.hostPort()),
		Fix: "Check that the server runs, that the address and port are right, and that no firewall or proxy blocks the way."}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s situation) tls() Diagnosis {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case isPlainHTTP(s.e):
		return Diagnosis{Problem: "The endpoint says https:// but the server speaks plain HTTP.",
			Fix: "Write the AI endpoint with http:// (a local Ollama has no TLS)."}
	case errors.As(s.e, &unknownCA):
		return Diagnosis{
			Problem: "The server's certificate is signed by an authority this machine does not trust.",
			Fix:     "Add the issuing CA to the system trust store, or point SSL_CERT_FILE at a bundle that includes it.",
		}
	case errors.As(s.e, &hostname):
		return Diagnosis{Problem: fmt.Sprintf("The server's certificate is not valid for %q.", s.host),
			Fix: "Use the host name the certificate was issued for."}
	}
	return Diagnosis{Problem: "The TLS handshake with " + s.hostPort() + " failed.",
		Fix: "Check the endpoint's scheme and port, and any TLS-intercepting proxy on the way."}
}

func (s situation) auth() Diagnosis {
	switch {
	case !s.cfg.hasToken():
		return Diagnosis{Problem: fmt.Sprintf("The provider at %s needs an API key and none is set.", s.host),
			Fix: "Set the AI token to an API key from the provider's console."}
	case s.cfg.Type == AzureOpenAI:
		return Diagnosis{Problem: "Azure OpenAI rejected the api-key.",
			Fix: "Use KEY 1 or KEY 2 from the resource's Keys and Endpoint page, for the resource the endpoint names."}
	case s.e.Status == 403:
		return Diagnosis{Problem: "The key is valid but not allowed to use this model or API.",
			Fix: "Check the key's project, organisation and model permissions in the provider's console."}
	}
	return Diagnosis{Problem: "The provider rejected the API key.",
		Fix: "Check the AI token: the whole key, without quotes or spaces, not revoked, and issued by this provider."}
}

func (s situation) modelNotFound() Diagnosis {
	m := s.cfg.Model
	switch {
	case s.cfg.Type == Ollama || s.port == "11434" || strings.Contains(s.e.Message, "try pulling"):
		pull := strings.TrimSuffix(m, ":latest")
		return Diagnosis{Problem: fmt.Sprintf("Ollama has no model %q.", m),
			Fix: fmt.Sprintf(
				"Run `ollama pull %s` on the Ollama host (in Docker: `docker exec -it ollama ollama pull %s`), or set the AI model to a name `ollama list` shows.",
				pull,
				pull,
			)}
	case s.cfg.Type == AzureOpenAI:
		return Diagnosis{Problem: fmt.Sprintf("This Azure OpenAI resource has no deployment named %q.", m),
			Fix: "Set the AI model to the deployment's name (as listed in Azure AI Foundry), which need not be the model's name."}
	}
	return Diagnosis{Problem: fmt.Sprintf("The provider has no model %q, or this key may not use it.", m),
		Fix: "Pick a model from the provider's model list (GET " + s.cfg.withRootURL(
			"models",
		) + "); providers retire old model names."}
}

// withRootURL is the URL of an API path for diagnosis text.
func (cfg Config) withRootURL(path string) string {
	root, _, _ := apiRoot(cfg.Type, cfg.Endpoint)
	return root + "/" + path
}

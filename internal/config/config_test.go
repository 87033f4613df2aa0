package config

import (
	"bytes"
	"strings"
	"testing"
)

func TestFlagsOverrideEnvironmentWhichOverridesDefaults(t *testing.T) {
	env := map[string]string{"APP__DATA_DIR": "/from/env", "APP__ADDR": "0.0.0.0:9000"}
	c := Load(func(k string) string { return env[k] }, map[string]string{"data": "/from/flag"})
	cases := []struct{ name, env, want string }{
		{"a flag wins over the environment", "APP__DATA_DIR", "/from/flag"},
		{"the environment wins over the default", "APP__ADDR", "0.0.0.0:9000"},
		{"the default applies when nothing is given", "APP__LOG_LEVEL", "info"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Get(tc.env); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}

func TestPrintRedactsSecrets(t *testing.T) {
	env := map[string]string{"AI__TOKEN": "sk-very-secret", "AI__MODEL": "open-mistral-7b"}
	c := Load(func(k string) string { return env[k] }, nil)
	var buf bytes.Buffer
	if err := c.Print(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "sk-very-secret") {
		t.Errorf("secret printed:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "open-mistral-7b") {
		t.Errorf("plain setting missing:\n%s", buf.String())
	}
}

func TestEverySettingIsDescribedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Registry {
		if s.Description == "" || seen[s.Env] || !strings.Contains(s.Env, "__") {
			t.Errorf("setting %q: empty description, duplicate, or not a double-underscore name", s.Env)
		}
		seen[s.Env] = true
	}
}

func TestDurationsAcceptSecondsOrGoSyntax(t *testing.T) {
	c := Load(func(k string) string {
		return map[string]string{"AI__TIMEOUT": "90", "AI__IDLE_TIMEOUT": "2m", "AI__CONNECT_TIMEOUT": "soon"}[k]
	}, nil)
	if d, _ := c.Duration("AI__TIMEOUT"); d.Seconds() != 90 {
		t.Errorf("bare number: %v", d)
	}
	if d, _ := c.Duration("AI__IDLE_TIMEOUT"); d.Minutes() != 2 {
		t.Errorf("2m: %v", d)
	}
	if _, err := c.Duration("AI__CONNECT_TIMEOUT"); err == nil || !strings.Contains(err.Error(), "AI__CONNECT_TIMEOUT") {
		t.Errorf("bad duration error %v does not name the setting", err)
	}
}

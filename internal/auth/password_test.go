package auth

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	p := PasswordParams{Memory: 64, Time: 1, Threads: 1}
	hash, err := HashPassword("correct horse battery staple", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC Argon2id string", hash)
	}
	again, _ := HashPassword("correct horse battery staple", p)
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		if ok, err := CheckPassword(hash, pw); ok != want || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestMalformedHashesAreRefused(t *testing.T) {
	for _, h := range []string{
		"", "plain text", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5",
	} {
		if ok, err := CheckPassword(h, "x"); ok || err == nil {
			t.Errorf("CheckPassword accepted the hash %q (%v, %v)", h, ok, err)
		}
	}
}

func TestGeneratedSecretsAreLongAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		pw, err := GeneratePassword()
		if err != nil || len(pw) != 20 || seen[pw] {
			t.Fatalf("generated password %q (%v)", pw, err)
		}
		seen[pw] = true
		tok, err := newToken()
		if err != nil || len(tok) != 47 || !strings.HasPrefix(tok, TokenPrefix) || seen[tok] {
			t.Fatalf("generated token %q (%v)", tok, err)
		}
		seen[tok] = true
	}
}

func TestSafeNextKeepsRedirectsOnSite(t *testing.T) {
	for next, want := range map[string]string{
		"/objects/x?tab=1": "/objects/x?tab=1", "/": "/", "": "/", "//evil.example": "/",
		"/\\evil.example": "/", "https://evil.example/": "/", "javascript:alert(1)": "/", "objects": "/",
	} {
		if got := SafeNext(next); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// BenchmarkHashPassword measures the default Argon2id cost: the time a
// login takes, and what each guess costs an attacker holding the hashes.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple", DefaultPasswordParams); err != nil {
			b.Fatal(err)
		}
	}
}

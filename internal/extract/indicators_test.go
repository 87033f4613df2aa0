package extract

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// found is an indicator reduced to what a table case states.
type found struct {
	Kind     Kind
	Value    string
	Defanged bool
}

func reduce(ind []Indicator) []found {
	var out []found
	for _, in := range ind {
		out = append(out, found{in.Kind, in.Value, in.Defanged})
	}
	return out
}

func TestIndicatorsFindsEachKind(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []found
	}{
		{"an IPv4 address with a port is reported without the port", "C2 at 210.209.127.8:443.",
			[]found{{IPv4, "210.209.127.8", false}}},
		{"a defanged IPv4 address is refanged", "seen at 95.130.15[.]34 today",
			[]found{{IPv4, "95.130.15.34", true}}},
		{"a CIDR is one indicator", "block 10.0.0.0/8 now", []found{{IPv4CIDR, "10.0.0.0/8", false}}},
		{"an IPv6 address is put in canonical form", "from 2001:0db8:0000:0000:0000:ff00:0042:8329 on",
			[]found{{IPv6, "2001:db8::ff00:42:8329", false}}},
		{"a URL yields its host as a domain too", "get hxxps://evil[.]example.org/a/b.php?x=1.",
			[]found{{URL, "https://evil.example.org/a/b.php?x=1", true}, {Domain, "evil.example.org", true}}},
		{"an e-mail address yields its domain", "mail sec.service@mail[.]ru now",
			[]found{{Email, "sec.service@mail.ru", true}, {Domain, "mail.ru", true}}},
		{"a bare domain is lowercased", "resolves Fr1.VPN-Service.us daily",
			[]found{{Domain, "fr1.vpn-service.us", false}}},
		{"hashes are lowercased and sized", "MD5 68B329DA9893E34099C7D8AD5CB9C940",
			[]found{{MD5, "68b329da9893e34099c7d8ad5cb9c940", false}}},
		{"a CVE id is uppercased", "exploits cve 2021-44228 widely", []found{{CVE, "CVE-2021-44228", false}}},
		{"the first CVE year and a long number are CVE ids", "CVE-1999-0001 and CVE-2024-1234567",
			[]found{{CVE, "CVE-1999-0001", false}, {CVE, "CVE-2024-1234567", false}}},
		{"a URL with a port up to 65535 keeps its port", "GET http://127.0.0.1:65535/x",
			[]found{{URL, "http://127.0.0.1:65535/x", false}, {IPv4, "127.0.0.1", false}}},
		{"a port above 65535 leaves the host but no URL", "GET http://127.0.0.1:99999/ and https://evil.example.org:123456/x",
			[]found{{IPv4, "127.0.0.1", false}, {Domain, "evil.example.org", false}}},
		{"a schemeless URL needs a valid port too", "see evil.example.org:70000/x",
			[]found{{Domain, "evil.example.org", false}}},
		{"an ASN takes several spellings", "AS13335 and ASN 15169", []found{{ASN, "AS13335", false}, {ASN, "AS15169", false}}},
		{"a registry key stops at the first space of its last part", `set HKCU\Software\Microsoft\Windows\CurrentVersion\Run key`,
			[]found{{RegistryKey, `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`, false}}},
		{"a Windows path may have spaces in its folders", `dropped C:\Program Files\Common Files\svchost.exe then`,
			[]found{{FilePath, `C:\Program Files\Common Files\svchost.exe`, false}}},
		{"a Unix path needs two levels", "reads /etc/passwd and /tmp", []found{{FilePath, "/etc/passwd", false}}},
		{"a file name is not a domain", "opened invoice.docx and svchost.exe",
			[]found{{FileName, "invoice.docx", false}, {FileName, "svchost.exe", false}}},
		{"a defanged name with a file extension is a domain", "beacons to update[.]zip",
			[]found{{Domain, "update.zip", true}}},
		{"a bitcoin address needs a valid checksum", "pay 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 not 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
			[]found{{BitcoinAddress, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", false}}},
		{"a bech32 address is checked and lowercased", "to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
			[]found{{BitcoinAddress, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", false}}},
		{"an ethereum address is lowercased", "to 0x52908400098527886E0F7030069857D2E4169EE7",
			[]found{{EthereumAddress, "0x52908400098527886e0f7030069857d2e4169ee7", false}}},
		{"a user agent runs to its last product", "UA: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0 Safari/537.36 was used",
			[]found{{UserAgent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0 Safari/537.36", false}}},
		{"a MAC address is normalised", "NIC AA-F2-C9-A6-B3-4F", []found{{MAC, "aa:f2:c9:a6:b3:4f", false}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, reduce(Indicators(c.text))); diff != "" {
				t.Errorf("Indicators(%q) mismatch (-want +got):\n%s", c.text, diff)
			}
		})
	}
}

func TestIndicatorsAvoidsClassicFalsePositives(t *testing.T) {
	for _, text := range []string{
		"upgrade to version 1.2.3.4 now",
		"build 10.0.19041.1 and v2.3.4.5",
		"octets 01.02.03.04 and 256.1.1.1",
		"a dotted 1.2.3.4.5 number",
		"see report.pdf, invoice.docx",
		"the System.Net namespace",
		"hash 68b329da9893e34099c7d8ad5cb9c940ab inside a longer run",
		"just as 2014 ended",
		"FOOT1329 and T1329FUN",
		"e.g. and i.e. and U.S. ok",
		"CVE-0000-0000 and CVE-1998-1234 and CVE-2021-0000 and CVE-2021-123",
	} {
		for _, in := range Indicators(text) {
			if in.Kind != FileName {
				t.Errorf("Indicators(%q) found %s %q", text, in.Kind, in.Value)
			}
		}
	}
}

func TestIndicatorsFlagsSpecialRangesInsteadOfDroppingThem(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"192.168.1.1", []string{FlagPrivate}},
		{"127.0.0.1", []string{FlagLoopback}},
		{"198.51.100.7", []string{FlagDocumentation}},
		{"2001:db8::1", []string{FlagDocumentation}},
		{"224.0.0.251", []string{FlagMulticast}},
		{"240.1.2.3", []string{FlagReserved}},
		{"8.8.8.8", nil},
		{"www.example.com", []string{FlagDocumentation}},
	}
	for _, c := range cases {
		ind := Indicators(c.text)
		if len(ind) != 1 {
			t.Fatalf("Indicators(%q) = %v, want one indicator", c.text, ind)
		}
		if diff := cmp.Diff(c.want, ind[0].Flags); diff != "" {
			t.Errorf("flags of %q (-want +got):\n%s", c.text, diff)
		}
	}
}

func TestExtractSaysWhenMaxIndicatorsCutTheList(t *testing.T) {
	// distinct writes n distinct addresses, 10.x.y.z, one a line.
	distinct := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "10.%d.%d.%d\n", i>>16&255, i>>8&255, i&255)
		}
		return b.String()
	}
	cases := []struct {
		name          string
		n             int
		wantTruncated bool
	}{
		{"exactly MaxIndicators distinct values are all kept", MaxIndicators, false},
		{"one value past MaxIndicators is dropped and said so", MaxIndicators + 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Extract(distinct(c.n), nil)
			if len(r.Indicators) != min(c.n, MaxIndicators) || r.Truncated != c.wantTruncated {
				t.Errorf("%d indicators, Truncated %v; want %d, %v", len(r.Indicators), r.Truncated, min(c.n, MaxIndicators), c.wantTruncated)
			}
		})
	}
}

func TestIndicatorsRecordsEverySpanInTheOriginalText(t *testing.T) {
	text := "first 1.2.3[.]4 then 1.2.3.4 and hxxp://a.example[.]org/x"
	ind := Indicators(text)
	want := map[string][]string{
		"1.2.3.4":                {"1.2.3[.]4", "1.2.3.4"},
		"http://a.example.org/x": {"hxxp://a.example[.]org/x"},
		"a.example.org":          {"a.example[.]org"},
	}
	for _, in := range ind {
		var got []string
		for _, sp := range in.Spans {
			got = append(got, text[sp.Start:sp.End])
		}
		if diff := cmp.Diff(want[in.Value], got); diff != "" {
			t.Errorf("spans of %s (-want +got):\n%s", in.Value, diff)
		}
	}
}

func TestIndicatorsFindsEveryIOCExtractValidLine(t *testing.T) {
	for _, line := range readLines(t, "testdata/iocextract/valid.txt") {
		if len(Indicators(line)) == 0 {
			t.Errorf("nothing found in %q", line)
		}
	}
}

// The one invalid line that yields an indicator is a CIDR, which
// iocextract does not extract but Tipster must.
func TestIndicatorsFindsNothingInIOCExtractInvalidLinesButACIDR(t *testing.T) {
	for _, line := range readLines(t, "testdata/iocextract/invalid.txt") {
		got := reduce(Indicators(line))
		var want []found
		if line == "100.20.30.0/24" {
			want = []found{{IPv4CIDR, line, false}}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Indicators(%q) (-want +got):\n%s", line, diff)
		}
	}
}

func TestPatternEscapesAndNamesTheObservable(t *testing.T) {
	cases := []struct {
		in   Indicator
		want string
	}{
		{Indicator{Kind: IPv4, Value: "1.2.3.4"}, "[ipv4-addr:value = '1.2.3.4']"},
		{Indicator{Kind: SHA256, Value: "ab"}, "[file:hashes.'SHA-256' = 'ab']"},
		{Indicator{Kind: RegistryKey, Value: `HKLM\Software\it's`}, `[windows-registry-key:key = 'HKLM\\Software\\it\'s']`},
		{Indicator{Kind: ASN, Value: "AS13335"}, "[autonomous-system:number = 13335]"},
		{Indicator{Kind: FilePath, Value: `C:\Windows\evil.exe`}, `[file:name = 'evil.exe' AND file:parent_directory_ref.path = 'C:\\Windows']`},
		{Indicator{Kind: CVE, Value: "CVE-2021-44228"}, ""},
	}
	for _, c := range cases {
		if got := c.in.Pattern(); got != c.want {
			t.Errorf("Pattern(%s %q) = %s, want %s", c.in.Kind, c.in.Value, got, c.want)
		}
	}
}

func TestIndicatorsOnTheLongArticleFindsItsDefangedIndicators(t *testing.T) {
	b, err := os.ReadFile("../../../shared/data/ioc-finder/long-article-1.txt")
	if err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	text := string(b)
	got := map[string]bool{}
	for _, in := range Indicators(text) {
		got[string(in.Kind)+" "+in.Value] = true
		for _, sp := range in.Spans {
			if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
				t.Errorf("%s: span %v out of bounds", in.Value, sp)
			}
		}
	}
	for _, want := range []string{"ipv4 95.130.15.34", "domain fr1.vpn-service.us", "email sec.service@mail.ru", "domain xocma.net"} {
		if !got[want] {
			t.Errorf("missing %s", want)
		}
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

package tinygguf

import "fmt"

// Token types as llama.cpp numbers them.
const (
	tokenNormal  int32 = 1
	tokenUnknown int32 = 2
	tokenControl int32 = 3
	tokenByte    int32 = 6
)

// Ids of the special tokens the llama tokenizer expects.
const (
	unkID = 0
	bosID = 1
	eosID = 2
)

// spaceMark is SentencePiece's stand-in for a space before a word.
const spaceMark = "▁"

// words is the model's vocabulary of whole words; the model only ever emits
// these and the punctuation in sentenceMarks, so its output reads as CTI
// word salad.
var words = []string{
	"the", "a", "an", "of", "and", "or", "to", "in", "on", "by", "for", "from",
	"with", "via", "is", "was", "are", "were", "has", "have", "this", "that",
	"its", "their", "we", "assess", "likely", "unlikely", "high", "medium", "low",
	"confidence", "threat", "actor", "actors", "group", "campaign", "campaigns",
	"intrusion", "set", "malware", "ransomware", "loader", "backdoor", "implant",
	"trojan", "wiper", "stealer", "botnet", "beacon", "payload", "dropper",
	"phishing", "spearphishing", "email", "attachment", "link", "lure",
	"document", "macro", "script", "PowerShell", "command", "control", "server",
	"domain", "IP", "address", "URL", "hash", "file", "registry", "key",
	"indicator", "indicators", "IOC", "sighting", "observed", "data",
	"infrastructure", "vulnerability", "exploit", "exploited", "CVE", "patch",
	"credential", "credentials", "access", "initial", "lateral", "movement",
	"persistence", "privilege", "escalation", "exfiltration", "discovery",
	"execution", "evasion", "defense", "collection", "impact", "technique",
	"tactic", "procedure", "TTP", "ATT&CK", "MITRE", "STIX", "TAXII", "TLP",
	"CLEAR", "GREEN", "AMBER", "RED", "report", "analyst", "analysts", "intel",
	"intelligence", "summary", "assessment", "sector", "finance", "energy",
	"government", "healthcare", "telecom", "military", "espionage", "financially",
	"motivated", "state", "sponsored", "APT", "targets", "targeted", "victims",
	"uses", "used", "deploys", "delivers", "downloads", "encrypts", "steals",
	"network", "host", "endpoint", "cloud", "VPN", "edge", "device", "user",
	"users", "accounts", "attribution", "overlap", "cluster", "tracked", "as",
	"since", "during", "after", "before", "new", "variant", "version",
}

// sentenceMarks are punctuation tokens the model may emit after a word.
var sentenceMarks = []string{".", ","}

// vocab is the tokenizer's token table, with which tokens the model emits.
type vocab struct {
	tokens []string
	scores []float32
	types  []int32
	emit   []bool // true where the output layer may pick the token
}

// newVocab builds a SentencePiece-style vocabulary that tokenizes any text:
// special tokens, all 256 byte-fallback tokens, printable ASCII characters,
// and every prefix of each "▁word" so the tokenizer's pairwise merges can
// grow a word one character at a time.
func newVocab() *vocab {
	v := &vocab{}
	index := map[string]int{}
	add := func(tok string, typ int32, emit bool) {
		if i, ok := index[tok]; ok {
			v.emit[i] = v.emit[i] || emit
			return
		}
		index[tok] = len(v.tokens)
		v.tokens = append(v.tokens, tok)
		v.scores = append(v.scores, float32(-len(v.scores)))
		v.types = append(v.types, typ)
		v.emit = append(v.emit, emit)
	}
	add("<unk>", tokenUnknown, false)
	add("<s>", tokenControl, false)
	add("</s>", tokenControl, false)
	for b := range 256 {
		add(fmt.Sprintf("<0x%02X>", b), tokenByte, false)
	}
	add(spaceMark, tokenNormal, false)
	for c := byte('!'); c <= '~'; c++ {
		add(string(c), tokenNormal, isSentenceMark(string(c)))
	}
	for _, w := range words {
		piece := spaceMark + w
		for i := len(spaceMark) + 1; i < len(piece); i++ {
			add(piece[:i], tokenNormal, false)
		}
		add(piece, tokenNormal, true)
	}
	return v
}

func isSentenceMark(s string) bool {
	for _, m := range sentenceMarks {
		if s == m {
			return true
		}
	}
	return false
}

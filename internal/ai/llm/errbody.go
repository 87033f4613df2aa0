package llm

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxMessage bounds the provider text kept in an Error.
const maxMessage = 400

// providerError is what a provider said about a failure.
type providerError struct {
	Code    string
	Message string
}

// errorBody covers the error shapes seen in the wild:
//
//	OpenAI, Azure:  {"error":{"message":"...","type":"...","code":"..."}}
//	Ollama:         {"error":"model \"x\" not found, try pulling it first"}
//	Mistral:        {"object":"error","message":"...","type":"...","code":"1500"}
//	Mistral (422):  {"object":"error","message":{"detail":[...]},"type":"invalid_request_error"}
//	FastAPI-style:  {"detail":"..."} or {"detail":[{"loc":[...],"msg":"..."}]}
//	Kong gateway:   {"message":"Unauthorized","request_id":"..."}
type errorBody struct {
	Error   json.RawMessage `json:"error"`
	Message json.RawMessage `json:"message"`
	Detail  json.RawMessage `json:"detail"`
	Type    json.RawMessage `json:"type"`
	Code    json.RawMessage `json:"code"`
}

// parseErrorBody extracts the provider's code and message from an error
// body, JSON or not.
func parseErrorBody(body []byte) providerError {
	body = bytes.TrimSpace(body)
	var eb errorBody
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &eb) != nil {
		return providerError{Message: plainText(body)}
	}
	if len(eb.Error) > 0 && eb.Error[0] == '{' {
		var inner errorBody
		if json.Unmarshal(eb.Error, &inner) == nil {
			return inner.flat()
		}
	}
	if s := scalar(eb.Error); s != "" {
		return providerError{Message: truncate(s)}
	}
	return eb.flat()
}

// flat reads a Mistral- or OpenAI-style object with message, detail, type
// and code at one level.
func (eb errorBody) flat() providerError {
	pe := providerError{Code: scalar(eb.Code)}
	if pe.Code == "" {
		pe.Code = scalar(eb.Type)
	}
	pe.Message = scalar(eb.Message)
	if pe.Message == "" && len(eb.Message) > 0 && eb.Message[0] == '{' {
		var nested errorBody
		if json.Unmarshal(eb.Message, &nested) == nil {
			pe.Message = detailText(nested.Detail)
		}
	}
	if pe.Message == "" {
		pe.Message = detailText(eb.Detail)
	}
	if pe.Message == "" {
		pe.Message = detailText(eb.Message)
	}
	pe.Message = truncate(pe.Message)
	return pe
}

// scalar returns a JSON string or number as text, "" for anything else.
func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// detailText renders a FastAPI/pydantic detail: a string, or a list of
// {"loc":[...],"msg":"..."} items as "body.field: msg; ...".
func detailText(raw json.RawMessage) string {
	if s := scalar(raw); s != "" {
		return s
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return ""
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		loc := make([]string, 0, len(it.Loc))
		for _, l := range it.Loc {
			b, _ := json.Marshal(l)
			loc = append(loc, strings.Trim(string(b), `"`))
		}
		parts = append(parts, strings.Join(loc, ".")+": "+it.Msg)
	}
	return strings.Join(parts, "; ")
}

var (
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces    = regexp.MustCompile(`\s+`)
)

// plainText makes a non-JSON body (a proxy's HTML page, plain text) short
// and readable.
func plainText(body []byte) string {
	s := string(body)
	if m := htmlTitle.FindStringSubmatch(s); m != nil {
		s = m[1]
	} else if strings.Contains(s, "<") {
		s = htmlTag.ReplaceAllString(s, " ")
	}
	return truncate(strings.TrimSpace(spaces.ReplaceAllString(s, " ")))
}

// truncate keeps at most maxMessage bytes, cut on a rune boundary.
func truncate(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

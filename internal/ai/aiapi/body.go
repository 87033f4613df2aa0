package aiapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/tipster-cti/tipster/internal/api"
)

// decodeBody reads one JSON object into v from a body of at most
// MaxBodyBytes, refusing unknown fields and anything after the object.
// With emptyOK an empty body leaves v as it is. Errors are 400s that say
// what is wrong in the client's terms, never in the decoder's.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, emptyOK bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) && emptyOK {
		return nil
	}
	if err != nil {
		return api.BadRequest("body is not the expected JSON: %s", jsonProblem(err))
	}
	end := dec.InputOffset()
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return api.BadRequest("body is not the expected JSON: %s", jsonProblem(err))
		}
		return api.BadRequest(
			"body is not the expected JSON: something follows the JSON object, which ends at byte %d",
			end,
		)
	}
	return nil
}

// jsonProblem says what is wrong with a body without echoing internals.
func jsonProblem(err error) string {
	var mb *http.MaxBytesError
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mb):
		return fmt.Sprintf("larger than %d bytes", MaxBodyBytes)
	case errors.As(err, &te) && te.Field == "":
		return "the body must be a JSON object, not " + jsonKind(te.Value)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %s, not %s", te.Field, typeWords(te.Type), jsonKind(te.Value))
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON object is missing or ends early"
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field") {
		return strings.TrimPrefix(msg, "json: ")
	}
	return "malformed JSON"
}

// jsonKind words the kind of JSON value the decoder met ("number",
// "string", "bool", "array", "object", or "number 1.5").
func jsonKind(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	switch kind {
	case "number":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "array":
		return "an array"
	case "object":
		return "an object"
	}
	return "another JSON value"
}

// typeWords says which JSON value a Go field takes.
func typeWords(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another JSON value"
}

package ai

import (
	"errors"
	"fmt"

	"github.com/tipster-cti/tipster/internal/stix"
)

// ErrInput reports a request that cannot be served as asked: an unknown
// operation, tone or format, no content, a report on a non-container.
var ErrInput = errors.New("ai: bad request")

// ErrDisabled is returned when Ask AI is turned off (AI__ENABLED=false).
var ErrDisabled = errors.New("ai: Ask AI is disabled")

// ErrNoOffline is returned when the offline engine is asked for but is not
// built in.
var ErrNoOffline = errors.New("ai: no offline engine in this build")

// ErrForbidden is returned when the viewer may not use Ask AI or change
// the object (a read-only role).
var ErrForbidden = errors.New("ai: not allowed for this user")

// ErrWindowTooSmall is returned when the model's context window cannot
// hold even the instructions and a minimal piece of content.
var ErrWindowTooSmall = errors.New("ai: the model's context window is too small for this request")

// RefusedError reports content whose TLP is above what the provider may
// receive. Nothing was sent.
type RefusedError struct {
	Content  stix.TLP // the content's effective level
	Limit    stix.TLP // the highest level the provider may receive
	Provider string   // the provider's label
	Location Location
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf(
		"ai: content is %s and the %s provider %s accepts at most %s",
		e.Content,
		e.Location,
		e.Provider,
		e.Limit,
	)
}

// TLPMismatchError reports an AI answer that came from content more
// restricted than the object it was to be written into. Nothing was
// written; marking the object at Answer or above first allows it.
type TLPMismatchError struct {
	Answer stix.TLP // the answer's level: of its content and what it quotes
	Target stix.TLP // the level of the object's own marking
	Object stix.ID
}

func (e *TLPMismatchError) Error() string {
	return fmt.Sprintf("ai: the answer is %s and %s is marked %s", e.Answer, e.Object, e.Target)
}

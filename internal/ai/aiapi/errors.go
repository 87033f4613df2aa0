package aiapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/api"
)

// Problem is an Ask AI error as a client sees it: the API's error shape
// plus whether the offline engine could answer instead.
type Problem struct {
	Status           int    `json:"-"`
	Code             string `json:"code"`
	Message          string `json:"message"`
	OfflineAvailable bool   `json:"offline_available"`
	// ProviderError is the provider failure's kind, for clients that
	// explain it ("unreachable", "auth", "timeout"…).
	ProviderError string `json:"provider_error,omitempty"`
	retryAfter    int    // seconds, 0 for none
}

// describe maps an Ask AI error to a Problem, or nil for errors the API's
// own responder handles (not found, forbidden, canceled, internal).
func describe(svc *ai.Service, err error) *Problem {
	var refused *ai.RefusedError
	var mismatch *ai.TLPMismatchError
	var le *llm.Error
	var ce *llm.ConfigError
	offline := svc.OfflineAvailable()
	switch {
	case errors.As(err, &refused):
		return &Problem{Status: http.StatusForbidden, Code: "tlp_refused", OfflineAvailable: offline,
			Message: "This content is " + refused.Content.String() + " and the " + string(refused.Location) +
				" provider " + refused.Provider + " may receive at most " + refused.Limit.String() + ". Nothing was sent."}
	case errors.As(err, &mismatch):
		return &Problem{Status: http.StatusConflict, Code: "tlp_mismatch",
			Message: "This answer is " + mismatch.Answer.String() + " (the level of the content it came from and what it quotes) and the object is marked " +
				mismatch.Target.String() + "; readers of the object could read it. Mark the object " + mismatch.Answer.String() +
				" or above first. Nothing was written."}
	case errors.Is(err, ai.ErrInput):
		return &Problem{Status: http.StatusBadRequest, Code: "bad_request", Message: inputMessage(err)}
	case errors.Is(err, ai.ErrWindowTooSmall):
		return &Problem{
			Status:           http.StatusUnprocessableEntity,
			Code:             "window_too_small",
			OfflineAvailable: offline,
			Message:          "The model's context window is too small for this request; raise AI__CONTEXT_LENGTH or use a model with a longer context.",
		}
	case errors.Is(err, ai.ErrDisabled):
		return &Problem{
			Status:  http.StatusServiceUnavailable,
			Code:    "ai_disabled",
			Message: "Ask AI is turned off on this server.",
		}
	case errors.Is(err, ai.ErrNoOffline):
		return &Problem{
			Status:  http.StatusNotImplemented,
			Code:    "offline_unavailable",
			Message: "This server has no offline engine.",
		}
	case errors.Is(err, ai.ErrNoAudit):
		return &Problem{
			Status:  http.StatusBadRequest,
			Code:    "bad_audit_id",
			Message: "audit_id does not name a successful Ask AI call of yours that you may still read.",
		}
	case errors.Is(err, ai.ErrNoProvenance):
		return &Problem{
			Status:  http.StatusNotFound,
			Code:    "no_ai_text",
			Message: "This object has no AI-written text in force.",
		}
	case errors.Is(err, ai.ErrChanged):
		return &Problem{
			Status:  http.StatusConflict,
			Code:    "changed",
			Message: "The text was edited after the AI text was applied; restore it by hand from the provenance.",
		}
	case errors.As(err, &ce):
		return &Problem{
			Status:           http.StatusServiceUnavailable,
			Code:             "ai_misconfigured",
			OfflineAvailable: offline,
			Message:          "The AI provider settings are incomplete; an administrator can run `tipster doctor`.",
		}
	case errors.As(err, &le) && le.Kind != llm.KindCanceled:
		p := providerProblem(svc.Settings().Label(), le)
		p.OfflineAvailable = offline
		return p
	}
	return nil
}

// inputMessage is the text of an ErrInput, which this package writes
// itself, without its prefix.
func inputMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ai.ErrInput.Error()+": "); i >= 0 {
		return msg[i+len(ai.ErrInput.Error())+2:]
	}
	return "bad request"
}

// providerProblem names the provider's problem without quoting it: the
// provider's own text goes to the log only.
func providerProblem(label string, e *llm.Error) *Problem {
	p := &Problem{Status: http.StatusBadGateway, ProviderError: strings.ReplaceAll(e.Kind.String(), " ", "_")}
	p.Code = "ai_" + p.ProviderError
	who := "The AI provider (" + label + ")"
	switch e.Kind {
	case llm.KindUnreachable, llm.KindTLS:
		p.Status, p.Message = http.StatusServiceUnavailable, who+" could not be reached."
	case llm.KindAuth:
		p.Message = who + " rejected Tipster's credentials."
	case llm.KindModelNotFound:
		p.Message = who + " does not have the configured model."
	case llm.KindWrongEndpoint:
		p.Message = who + " has no such API at the configured endpoint."
	case llm.KindRateLimited:
		p.Status, p.Message = http.StatusServiceUnavailable, who+" is limiting requests; try again shortly."
		p.retryAfter = int(e.RetryAfter.Seconds() + 0.999)
	case llm.KindQuotaExhausted:
		p.Status, p.Message = http.StatusServiceUnavailable, who+" account is out of quota."
	case llm.KindTimeout:
		p.Status, p.Message = http.StatusGatewayTimeout, who+" did not answer in time ("+string(
			e.Timeout,
		)+" timeout)."
	case llm.KindContextTooLong:
		p.Message = who + " found the input longer than the model's context."
	case llm.KindProtocol:
		p.Message = who + " broke off its answer or sent a malformed one."
	default:
		p.Message = who + " failed to answer."
	}
	return p
}

// fail writes err as a Problem when it is one, or returns it to the API's
// responder.
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, err error) error {
	switch {
	case errors.Is(err, ai.ErrForbidden):
		return api.ErrForbidden
	case errors.Is(err, context.Canceled):
		return err
	}
	p := describe(h.AI, err)
	if p == nil {
		return err
	}
	h.logProblem(r, p, err)
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	return writeJSON(w, p.Status, map[string]any{"error": p})
}

func (h *Handlers) logProblem(r *http.Request, p *Problem, err error) {
	level := slog.LevelInfo
	if p.Status >= 500 {
		level = slog.LevelWarn
	}
	h.Log.Log(r.Context(), level, "ask ai failed", "path", r.URL.Path, "code", p.Code, "err", err)
}

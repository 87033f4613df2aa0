package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tipster-cti/tipster/internal/ai"
	"github.com/tipster-cti/tipster/internal/ai/llm"
	"github.com/tipster-cti/tipster/internal/config"
)

func init() {
	register("doctor", "check the AI provider: reachable, model present, and how to fix it if not", runDoctor)
}

// doctorReport is what tipster doctor finds, printed or as JSON.
type doctorReport struct {
	Type           string `json:"type"`
	Label          string `json:"label"`
	ChatURL        string `json:"chat_url,omitempty"`
	Model          string `json:"model,omitempty"`
	Location       string `json:"location"`
	MaxTLP         string `json:"max_tlp"`
	OK             bool   `json:"ok"`
	Reachable      bool   `json:"reachable"`
	ModelAvailable bool   `json:"model_available"`
	LatencyMS      int64  `json:"latency_ms"`
	ContextLength  int    `json:"context_length,omitempty"`
	ContextSource  string `json:"context_source,omitempty"`
	Problem        string `json:"problem,omitempty"`
	Fix            string `json:"fix,omitempty"`
	Detail         string `json:"detail,omitempty"`
}

func runDoctor(ctx context.Context, env *Env, args []string) error {
	f := newFlags(env, "doctor", "", aiSettings...)
	asJSON := f.Bool("json", false, "print the findings as JSON")
	if err := f.parse(args); err != nil {
		return err
	}
	rep := diagnoseAI(ctx, f.config(env))
	if *asJSON {
		if err := json.NewEncoder(env.Stdout).Encode(rep); err != nil {
			return err
		}
	} else {
		printDoctor(env.Stdout, rep)
	}
	if !rep.OK {
		return ExitError{Code: 1}
	}
	return nil
}

// diagnoseAI reads the AI settings and, for a provider, really contacts it.
func diagnoseAI(ctx context.Context, cfg config.Config) doctorReport {
	s, err := ai.SettingsFrom(cfg)
	rep := doctorReport{
		Type:     s.Type,
		Label:    s.Label(),
		Model:    s.LLM.Model,
		Location: string(s.Location),
		MaxTLP:   s.MaxTLP.String(),
	}
	if err != nil {
		rep.Problem, rep.Fix = "The AI settings are wrong: "+err.Error(), "Correct them (tipster config lists every setting)."
		return rep
	}
	if !s.Enabled {
		rep.OK, rep.Problem = true, "Ask AI is turned off (AI__ENABLED=false)."
		return rep
	}
	if s.IsBuiltin() {
		built := ai.OfflineBuiltIn()
		rep.OK, rep.Reachable, rep.ModelAvailable = built, built, built
		rep.Location, rep.MaxTLP = string(ai.Local), "TLP:RED"
		if !built {
			rep.Problem, rep.Fix = "The offline engine is configured but not built in.", "Set AI__TYPE to a provider."
		}
		return rep
	}
	eng, err := ai.NewLLMEngine(s)
	if err != nil {
		d := llm.Diagnose(s.LLM, err)
		rep.Problem, rep.Fix = d.Problem, d.Fix
		return rep
	}
	rep.ChatURL, rep.Model = eng.Client().ChatURL(), eng.Model()
	probeCtx, cancel := context.WithTimeout(ctx, ai.ProbeTimeout)
	defer cancel()
	st := eng.Client().Probe(probeCtx)
	rep.OK, rep.Reachable, rep.ModelAvailable = st.OK(), st.Reachable, st.ModelAvailable
	rep.LatencyMS, rep.ContextLength, rep.ContextSource = st.Latency.Milliseconds(), st.Model.ContextLength, st.Model.Source
	if s.ContextLength > 0 {
		rep.ContextLength, rep.ContextSource = s.ContextLength, "AI__CONTEXT_LENGTH"
	}
	if !rep.OK {
		d := llm.Diagnose(s.LLM, st.Err)
		rep.Problem, rep.Fix, rep.Detail = d.Problem, d.Fix, d.Detail
	}
	return rep
}

func printDoctor(w io.Writer, r doctorReport) {
	fmt.Fprintf(w, "Ask AI     %s\n", r.Label)
	if r.ChatURL != "" {
		fmt.Fprintf(w, "chat URL   %s\n", r.ChatURL)
	}
	fmt.Fprintf(w, "location   %s, accepts content up to %s\n", r.Location, r.MaxTLP)
	if r.ChatURL != "" {
		fmt.Fprintf(w, "reachable  %s (%d ms)\n", yesNo(r.Reachable), r.LatencyMS)
		fmt.Fprintf(
			w,
			"model      %s: %s\n",
			r.Model,
			map[bool]string{true: "available", false: "not available"}[r.ModelAvailable],
		)
	}
	if r.ContextLength > 0 {
		fmt.Fprintf(w, "context    %d tokens (from %s)\n", r.ContextLength, r.ContextSource)
	}
	if r.Problem != "" {
		fmt.Fprintf(w, "\nProblem: %s\n", r.Problem)
	}
	if r.Fix != "" {
		fmt.Fprintf(w, "Fix:     %s\n", r.Fix)
	}
	if r.Detail != "" {
		fmt.Fprintf(w, "Detail:  %s\n", r.Detail)
	}
	if r.OK {
		fmt.Fprintln(w, "\nOK")
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

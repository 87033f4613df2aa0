package llm

// Message is one turn of a conversation.
type Message struct {
	Role    string `json:"role"` // "system", "user" or "assistant"
	Content string `json:"content"`
}

// Request is a chat request, independent of the provider.
type Request struct {
	Messages []Message
	// MaxTokens bounds the reply's length in tokens; 0 leaves it to the
	// provider.
	MaxTokens int
	// Temperature, when set, overrides the provider's sampling temperature.
	Temperature *float64
	// NumCtx sets the context size for native Ollama, which otherwise
	// silently truncates a prompt to its default (2048 tokens before
	// v0.6.6). Other types ignore it: their servers size the context.
	NumCtx int
}

// Usage counts the tokens of one chat, as the provider reported them; both
// are 0 when it did not (Ollama's /v1 reports them only on request, which
// the mistralai type cannot make).
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Response is a complete reply.
type Response struct {
	Text string
	// FinishReason is the provider's reason for stopping: "stop" for a
	// natural end, "length" when MaxTokens or the context ran out.
	FinishReason string
	Model        string // the model that answered, as the provider names it
	Usage        Usage
}

// frame is one decoded stream frame, whatever the wire format.
type frame struct {
	delta  string
	finish string // set on the frame that ends generation
	model  string
	usage  *Usage
	done   bool // the stream's explicit end: [DONE], or Ollama's done:true
}

// frameDecoder yields the frames of one response body, io.EOF at its end.
type frameDecoder interface {
	next() (frame, error)
}

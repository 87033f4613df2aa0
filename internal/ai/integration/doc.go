// Package integration holds Ask AI's tests against a real Ollama server
// (scripts/ollama-test), through the API and the tipster command. They
// skip when TIPSTER_TEST_OLLAMA_URL is not set.
package integration

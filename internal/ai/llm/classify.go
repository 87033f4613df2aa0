package llm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// classifyTransport turns a failure to get or read an answer into an
// *Error: an ended context names its cause; dial and DNS failures are
// KindUnreachable; certificate and handshake failures are KindTLS; a
// connection that broke after it was made is KindProtocol.
func classifyTransport(ctx context.Context, err error) *Error {
	if ctx.Err() != nil {
		return ctxError(ctx, err)
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch {
	case isTLSError(err):
		return &Error{Kind: KindTLS, Err: err}
	case isDialError(err):
		return &Error{Kind: KindUnreachable, Err: err}
	case errors.Is(err, ErrLineTooLong):
		return &Error{Kind: KindProtocol, Message: "not a stream: a line exceeds the limit", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return &Error{Kind: KindProtocol, Message: "the connection was closed mid-answer", Err: err}
	}
	return &Error{Kind: KindProtocol, Err: err}
}

func isTLSError(err error) bool {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		record    tls.RecordHeaderError
		alert     tls.AlertError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) {
		return true
	}
	return isPlainHTTP(err)
}

// isPlainHTTP recognises a plain-HTTP server behind an https:// URL. net/http
// reports it with an untyped error, so its text is the only way to tell.
func isPlainHTTP(err error) bool {
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

func isDialError(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH)
}

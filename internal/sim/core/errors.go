package core

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
)

// WriteJSON writes v as the JSON body of a response with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		json.NewEncoder(w).Encode(v)
	}
}

// ReadJSON decodes the request body into v. On failure it writes the
// service's 400 answer and returns false.
func ReadJSON(w http.ResponseWriter, r *http.Request, style ErrorStyle, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		style.Write(w, http.StatusBadRequest, "Malformed request body: "+err.Error())
		return false
	}
	return true
}

// ErrorStyle is the error body format of one OpenStack service.
type ErrorStyle int

const (
	// NovaErrors: {"itemNotFound": {"code": 404, "message": "…"}}; Cinder
	// uses the same shape.
	NovaErrors ErrorStyle = iota
	// NeutronErrors: {"NeutronError": {"type": "…", "message": "…", "detail": ""}}.
	NeutronErrors
	// GlanceErrors: webob's plain-text pages ("404 Not Found\n\n…").
	GlanceErrors
	// KeystoneErrors: {"error": {"code": 401, "message": "…", "title": "Unauthorized"}}.
	KeystoneErrors
	// OctaviaErrors: {"faultcode": "Client", "faultstring": "…", "debuginfo": null}.
	OctaviaErrors
	// SwiftErrors: swob's HTML pages ("<html><h1>Not Found</h1><p>…</p></html>").
	SwiftErrors
	// S3Errors: <Error><Code>NoSuchKey</Code><Message>…</Message>…</Error>;
	// Type is the S3 error code.
	S3Errors
)

// s3Codes are the S3 error codes a bare status stands for.
var s3Codes = map[int]string{
	400: "InvalidRequest", 401: "AccessDenied", 403: "AccessDenied", 404: "NoSuchKey",
	405: "MethodNotAllowed", 409: "OperationAborted", 411: "MissingContentLength",
	412: "PreconditionFailed", 416: "InvalidRange", 429: "SlowDown", 500: "InternalError",
	501: "NotImplemented", 503: "ServiceUnavailable",
}

// novaFaultNames are the body keys Nova and Cinder use per status code.
var novaFaultNames = map[int]string{
	400: "badRequest",
	401: "unauthorized",
	403: "forbidden",
	404: "itemNotFound",
	405: "badMethod",
	409: "conflictingRequest",
	413: "overLimit",
	415: "badMediaType",
	429: "overLimit",
	500: "computeFault",
	501: "notImplemented",
	503: "serviceUnavailable",
}

func (s ErrorStyle) Write(w http.ResponseWriter, status int, message string) {
	s.WriteTyped(w, status, "", message)
}

// writeTyped writes an error; neutronType is the NeutronError type
// (e.g. "NetworkNotFound") and is ignored by the other styles.
func (s ErrorStyle) WriteTyped(w http.ResponseWriter, status int, neutronType, message string) {
	switch s {
	case NovaErrors:
		name := novaFaultNames[status]
		if name == "" {
			name = "computeFault"
		}
		WriteJSON(w, status, map[string]any{name: map[string]any{"code": status, "message": message}})
	case NeutronErrors:
		if neutronType == "" {
			neutronType = http.StatusText(status)
		}
		WriteJSON(w, status, map[string]any{"NeutronError": map[string]any{"type": neutronType, "message": message, "detail": ""}})
	case KeystoneErrors:
		WriteJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": message, "title": http.StatusText(status)}})
	case OctaviaErrors:
		fault := "Client"
		if status >= 500 {
			fault = "Server"
		}
		WriteJSON(w, status, map[string]any{"faultcode": fault, "faultstring": message, "debuginfo": nil})
	case SwiftErrors:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><h1>%s</h1><p>%s</p></html>", http.StatusText(status), html.EscapeString(message))
	case S3Errors:
		code := neutronType
		if code == "" {
			code = s3Codes[status]
		}
		if code == "" {
			code = "InternalError"
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>tx%s</RequestId></Error>",
			code, html.EscapeString(message), NewHexID()[:21])
	default:
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "%d %s\n\n%s\n\n   ", status, http.StatusText(status), message)
	}
}

// APIError is a refusal a room answers with: the status, the message
// and, for Neutron, the exception type ("NetworkNotFound"), written in
// the room's Style. Rooms pass them to each other, so that Nova can
// translate Neutron's refusals.
type APIError struct {
	Status  int
	Type    string
	Message string
	Style   ErrorStyle
}

// Write answers e.
func (e *APIError) Write(w http.ResponseWriter) { e.Style.WriteError(w, e) }

func (e *APIError) Error() string { return e.Message }

// Errorf makes an APIError of the style, without a type.
func (s ErrorStyle) Errorf(status int, format string, a ...any) *APIError {
	return &APIError{Status: status, Message: fmt.Sprintf(format, a...), Style: s}
}

// WriteError writes e in the style.
func (s ErrorStyle) WriteError(w http.ResponseWriter, e *APIError) {
	s.WriteTyped(w, e.Status, e.Type, e.Message)
}

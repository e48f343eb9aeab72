package argocd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBody bounds what is read from one answer (a resource tree is the largest).
const maxBody = 16 << 20

// gRPC codes Argo CD's API answers with (google.golang.org/grpc/codes).
const (
	codeInvalidArgument    = 3
	codeNotFound           = 5
	codePermissionDenied   = 7
	codeFailedPrecondition = 9
	codeUnauthenticated    = 16
)

// APIError is an answer from the Argo CD API server that is not a success.
// The body is grpc-gateway v1's error shape, {"error", "code", "message",
// "details"} (runtimeError in argo-cd's assets/swagger.json; argo-cd pins
// grpc-gateway v1.16.0 in go.mod).
type APIError struct {
	Method   string
	Endpoint string // path, without the query
	Status   int
	Code     int    // gRPC code, 0 if the body had none
	Message  string // Argo CD's own words
}

// Error names the endpoint, the status, what it usually means and Argo
// CD's message.
func (e *APIError) Error() string {
	s := fmt.Sprintf("argo cd %s %s answered %d", e.Method, e.Endpoint, e.Status)
	if m := e.meaning(); m != "" {
		s += " (" + m + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func (e *APIError) meaning() string {
	switch {
	case e.Status == http.StatusUnauthorized || e.Code == codeUnauthenticated:
		return "bad token: check the token in token_env"
	case e.Code == codePermissionDenied || e.Status == http.StatusForbidden:
		// server/application/application.go getAppEnforceRBAC answers
		// "permission denied" for a missing app too, unless the project is given.
		return "the token's role may not do this, or the application does not exist"
	case e.Status == http.StatusNotFound:
		return "no such application in this project"
	case e.Status >= 500:
		return "Argo CD server error"
	}
	return ""
}

// inProgress reports whether err is Argo CD refusing a sync because an
// operation is already running (util/argo/argo.go ErrAnotherOperationInProgress,
// FailedPrecondition, which grpc-gateway answers with 400; a proxy in front
// may say 409).
func inProgress(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Code == codeFailedPrecondition || ae.Status == http.StatusConflict) &&
		strings.Contains(ae.Message, "another operation is already in progress")
}

// client speaks Argo CD's REST API (the grpc-gateway in front of its gRPC
// services) with a bearer token.
type client struct {
	base  string
	token string
	http  *http.Client
}

// do sends one request with a JSON body (nil: none) and decodes a JSON
// answer into out (nil: ignore it).
func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("argo cd %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("argo cd %s %s: %w", method, endpoint(path), err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("argo cd %s %s: reading the answer: %w", method, endpoint(path), err)
	}
	if resp.StatusCode/100 != 2 {
		return apiError(method, path, resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("argo cd %s %s: malformed answer (%s): %w", method, endpoint(path), snippet(raw), err)
	}
	return nil
}

func apiError(method, path string, status int, raw []byte) *APIError {
	e := &APIError{Method: method, Endpoint: endpoint(path), Status: status}
	var body struct {
		Error   string `json:"error"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Code, e.Message = body.Code, body.Message
		if e.Message == "" {
			e.Message = body.Error
		}
	}
	if e.Message == "" {
		e.Message = snippet(raw)
	}
	return e
}

func endpoint(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}

// snippet is the start of a body that is not what was expected, for the
// error line.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

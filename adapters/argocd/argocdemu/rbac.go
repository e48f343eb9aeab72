package argocdemu

import (
	"fmt"
	"net/http"
	"path"
	"strings"
)

// apiErr is a gRPC status as grpc-gateway v1 writes it: HTTP status from
// runtime.HTTPStatusFromCode, body {"error","code","message","details"}.
type apiErr struct {
	code int
	msg  string
}

func (e *apiErr) Error() string { return e.msg }

// gRPC codes and their grpc-gateway v1 HTTP statuses.
var httpStatus = map[int]int{2: 500, 3: 400, 5: 404, 7: 403, 9: 400, 13: 500, 16: 401}

func grpcErr(code int, format string, args ...any) *apiErr {
	return &apiErr{code: code, msg: fmt.Sprintf(format, args...)}
}

var (
	// errPermissionDenied is common.PermissionDeniedAPIError.
	errPermissionDenied = grpcErr(7, "permission denied")
	// errNoSession is server.ErrNoSession (server/server.go).
	errNoSession = grpcErr(16, "no session information")
	// errAnotherOperation is util/argo ErrAnotherOperationInProgress, as
	// Sync wraps it ("error setting app operation: %w"): grpc-go's
	// status.FromError keeps the wrapping text as the message.
	errAnotherOperation = grpcErr(9, "error setting app operation: another operation is already in progress")
)

// notFound is the NotFound status getAppEnforceRBAC answers with.
func notFound(name string) *apiErr {
	return grpcErr(5, "applications.argoproj.io %q not found", name)
}

// authenticate reads the bearer token (server.go getToken); a request
// without one, or with one the server did not issue, is Unauthenticated.
func (e *Emulator) authenticate(r *http.Request) (account, *apiErr) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return account{}, errNoSession
	}
	acc, ok := e.tokens[tok]
	if !ok {
		return account{}, grpcErr(16, "invalid session: token signature is invalid")
	}
	return acc, nil
}

// may enforces "applications, action, project/app" like the Casbin
// policies of a project role (globs as in the policy object).
func (acc account) may(action, object string) bool {
	for _, g := range acc.grants {
		if g.Action != "*" && g.Action != action {
			continue
		}
		if ok, _ := path.Match(g.Object, object); ok {
			return true
		}
	}
	return false
}

// getApp is getAppEnforceRBAC (server/application/application.go): with a
// project named, a denied check is 403 and a missing app 404; without one,
// both are 403 so a caller cannot learn which apps exist; an app in
// another project is 404.
func (e *Emulator) getApp(acc account, action, project, ns, name string) (*app, *apiErr) {
	if ns == "" {
		ns = e.opts.Namespace
	}
	rbacName := func(proj string) string {
		if ns == e.opts.Namespace {
			return proj + "/" + name
		}
		return proj + "/" + ns + "/" + name
	}
	if project != "" && !acc.may(action, rbacName(project)) {
		return nil, errPermissionDenied
	}
	a, ok := e.apps[ns+"/"+name]
	if !ok {
		if project != "" {
			return nil, notFound(name)
		}
		return nil, errPermissionDenied
	}
	if !acc.may(action, rbacName(a.obj.Spec.Project)) {
		if project != "" {
			return nil, notFound(name)
		}
		return nil, errPermissionDenied
	}
	if project != "" && a.obj.Spec.Project != project {
		return nil, notFound(name)
	}
	return a, nil
}

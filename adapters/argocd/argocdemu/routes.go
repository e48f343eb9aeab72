package argocdemu

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
)

// rbacActions is util/rbac.Actions, in its order (CanI validates against it).
var rbacActions = []string{"get", "create", "update", "delete", "sync", "rollback", "override", "action", "invoke"}

type handler func(acc account, r *http.Request) (any, *apiErr)

func (e *Emulator) mux() *http.ServeMux {
	m := http.NewServeMux()
	route := func(pattern string, h handler) {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { e.answer(w, r, pattern, h) })
	}
	route("GET /api/v1/account/can-i/{resource}/{action}/{sub...}", e.canI)
	route("GET /api/v1/applications/{name}", e.getHandler)
	route("PATCH /api/v1/applications/{name}", e.patch)
	route("PUT /api/v1/applications/{name}/spec", e.updateSpec)
	route("POST /api/v1/applications/{name}/sync", e.sync)
	route("GET /api/v1/applications/{name}/resource-tree", e.resourceTree)
	route("DELETE /api/v1/applications/{name}/operation", e.terminate)
	return m
}

func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) { e.mux().ServeHTTP(w, r) }

// answer authenticates, runs h under the lock and writes its answer,
// marshalled under the lock too: handlers return the live objects, which
// the controller goroutine changes as soon as the lock is let go.
func (e *Emulator) answer(w http.ResponseWriter, r *http.Request, pattern string, h handler) {
	e.mu.Lock()
	acc, aerr := e.authenticate(r)
	var out any
	if aerr == nil {
		out, aerr = h(acc, r)
	}
	if e.landNext[pattern] > 0 {
		e.landNext[pattern]--
		e.requests = append(e.requests, Request{Method: r.Method, Path: r.URL.Path})
		e.mu.Unlock()
		<-r.Context().Done() // carried out; the answer never comes
		return
	}
	status := http.StatusOK
	if aerr != nil {
		status = httpStatus[aerr.code]
		out = map[string]any{"error": aerr.msg, "code": aerr.code, "message": aerr.msg, "details": []any{}}
	}
	e.requests = append(e.requests, Request{Method: r.Method, Path: r.URL.Path, Status: status})
	body, err := json.Marshal(out)
	e.mu.Unlock()
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding","code":13,"message":"encoding"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// canI is server/account/account.go CanI.
func (e *Emulator) canI(acc account, r *http.Request) (any, *apiErr) {
	res, act, sub := r.PathValue("resource"), r.PathValue("action"), r.PathValue("sub")
	if !slices.Contains(rbacActions, act) {
		return nil, grpcErr(3, "%v does not contain %s", rbacActions, act)
	}
	if res != "applications" {
		return map[string]string{"value": "no"}, nil
	}
	if p := strings.Split(sub, "/"); len(p) == 3 && p[1] == e.opts.Namespace {
		sub = p[0] + "/" + p[2]
	}
	if acc.may(act, sub) {
		return map[string]string{"value": "yes"}, nil
	}
	return map[string]string{"value": "no"}, nil
}

func (e *Emulator) getHandler(acc account, r *http.Request) (any, *apiErr) {
	q := r.URL.Query()
	a, err := e.getApp(acc, "get", q.Get("project"), q.Get("appNamespace"), r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return a.obj, nil
}

// patch is Server.Patch: get permission to read, update permission to
// write, "json" (RFC 6902) or "merge" patches of the whole application.
func (e *Emulator) patch(acc account, r *http.Request) (any, *apiErr) {
	var req struct {
		Name, Patch, PatchType, AppNamespace, Project string
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return nil, grpcErr(3, "invalid request body: %v", err)
	}
	a, aerr := e.getApp(acc, "get", req.Project, req.AppNamespace, r.PathValue("name"))
	if aerr != nil {
		return nil, aerr
	}
	if !acc.may("update", a.obj.Spec.Project+"/"+a.obj.Metadata.Name) {
		return nil, grpcErr(7, "permission denied: applications, update, %s/%s, sub: %s", a.obj.Spec.Project, a.obj.Metadata.Name, acc.name)
	}
	raw, _ := json.Marshal(a.obj)
	var out []byte
	var err error
	switch req.PatchType {
	case "json", "":
		p, derr := jsonpatch.DecodePatch([]byte(req.Patch))
		if derr != nil {
			return nil, grpcErr(2, "error decoding json patch: %v", derr)
		}
		if out, err = p.Apply(raw); err != nil {
			return nil, grpcErr(2, "error applying patch: %v", err)
		}
	case "merge":
		if out, err = jsonpatch.MergePatch(raw, []byte(req.Patch)); err != nil {
			return nil, grpcErr(2, "error calculating merge patch: %v", err)
		}
	default:
		return nil, grpcErr(3, "Patch type '%s' is not supported", req.PatchType)
	}
	var next Application
	if err := json.Unmarshal(out, &next); err != nil {
		return nil, grpcErr(2, "error unmarshaling patched app: %v", err)
	}
	return e.store(a, next.Spec)
}

// updateSpec is Server.UpdateSpec: the body is the spec itself.
func (e *Emulator) updateSpec(acc account, r *http.Request) (any, *apiErr) {
	q := r.URL.Query()
	a, aerr := e.getApp(acc, "update", q.Get("project"), q.Get("appNamespace"), r.PathValue("name"))
	if aerr != nil {
		return nil, aerr
	}
	var spec ApplicationSpec
	if err := json.NewDecoder(r.Body).Decode(&spec); err != nil {
		return nil, grpcErr(3, "invalid spec: %v", err)
	}
	stored, err := e.store(a, spec)
	if err != nil {
		return nil, err
	}
	return stored.(Application).Spec, nil
}

// store validates a new spec the way the server's validation refuses
// what the emulator can judge, and keeps it.
func (e *Emulator) store(a *app, spec ApplicationSpec) (any, *apiErr) {
	switch {
	case spec.Project != a.obj.Spec.Project:
		return nil, grpcErr(3, "application spec for %s is invalid: InvalidSpecError: moving projects is not modelled", a.obj.Metadata.Name)
	case spec.Source != nil && len(spec.Sources) > 0, spec.Source == nil && len(spec.Sources) == 0:
		return nil, grpcErr(3, "application spec for %s is invalid: InvalidSpecError: either source or sources is required", a.obj.Metadata.Name)
	}
	if _, err := a.render(spec.Source, spec.Sources); err != nil {
		return nil, grpcErr(3, "application spec for %s is invalid: InvalidSpecError: Unable to generate manifests: %v", a.obj.Metadata.Name, err)
	}
	a.obj.Spec = spec
	a.obj.Metadata.Generation++
	e.bump(a)
	e.refresh(a)
	return a.obj, nil
}

// sync is Server.Sync: get permission, then sync permission, then
// SetAppOperation, which refuses while another operation is set.
func (e *Emulator) sync(acc account, r *http.Request) (any, *apiErr) {
	var req struct {
		Name, AppNamespace, Project string
		Prune                       bool
		SyncOptions                 *struct{ Items []string }
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return nil, grpcErr(3, "invalid request body: %v", err)
	}
	a, aerr := e.getApp(acc, "get", req.Project, req.AppNamespace, r.PathValue("name"))
	if aerr != nil {
		return nil, aerr
	}
	if !acc.may("sync", a.obj.Spec.Project+"/"+a.obj.Metadata.Name) {
		return nil, grpcErr(7, "permission denied: applications, sync, %s/%s, sub: %s", a.obj.Spec.Project, a.obj.Metadata.Name, acc.name)
	}
	if a.obj.Operation != nil {
		return nil, errAnotherOperation
	}
	var opts []string
	if req.SyncOptions != nil {
		opts = req.SyncOptions.Items
	}
	a.obj.Operation = e.syncOperation(a, acc.name, false, opts)
	a.obj.Operation.Sync.Prune = req.Prune
	a.obj.Status.OperationState = nil
	e.bump(a)
	return a.obj, nil
}

// resourceTree is Server.ResourceTree: the Deployment node with its
// images and health, its ReplicaSets with pods, and the pods (tree.go).
func (e *Emulator) resourceTree(acc account, r *http.Request) (any, *apiErr) {
	q := r.URL.Query()
	a, aerr := e.getApp(acc, "get", q.Get("project"), q.Get("appNamespace"), r.PathValue("name"))
	if aerr != nil {
		return nil, aerr
	}
	n := ResourceNode{Group: "apps", Version: "v1", Kind: "Deployment", Namespace: a.seed.Dest, Name: a.seed.Deployment}
	nodes := []ResourceNode{n}
	if v, ok := e.opts.Sim.Deployment(a.seed.Dest, a.seed.Deployment); ok {
		h := health(v)
		nodes[0].Images, nodes[0].Health = images(v), &h
		nodes = append(nodes, podNodes(v)...)
	}
	return map[string]any{"nodes": nodes}, nil
}

// terminate is Server.TerminateOperation.
func (e *Emulator) terminate(acc account, r *http.Request) (any, *apiErr) {
	q := r.URL.Query()
	a, aerr := e.getApp(acc, "sync", q.Get("project"), q.Get("appNamespace"), r.PathValue("name"))
	if aerr != nil {
		return nil, aerr
	}
	if a.obj.Operation == nil {
		return nil, grpcErr(3, "Unable to terminate operation. No operation is in progress")
	}
	if st := a.obj.Status.OperationState; st != nil && st.FinishedAt == nil {
		st.Phase = "Terminating"
	} else {
		a.obj.Operation = nil
	}
	e.bump(a)
	return map[string]string{}, nil
}

package cdnemu

import (
	"net/http"

	"github.com/dingops/dingops/adapters/emu"
)

// Fault makes requests for one action fail or hang.
type Fault struct {
	// Action is the API to disturb, e.g. "RefreshObjectCaches"; "" any.
	Action string
	// Count is how many requests it applies to (0 means 1).
	Count int
	// Status and Code are the error answered (0 → 503, "" → "ServiceUnavailable").
	Status  int
	Code    string
	Message string
	// Hang holds the request until the client gives up or the server closes.
	Hang bool
}

// InjectFault queues f; faults apply in the order they were queued.
func (s *Server) InjectFault(f Fault) { s.faults.Add(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

func faultCount(f *Fault) *int { return &f.Count }

func (s *Server) applyFault(c *call, f Fault) {
	if f.Hang {
		s.base.Hang(c.r.Context())
		c.rec.Code = "Hang"
		return
	}
	e := emu.Failure{Status: f.Status, Code: f.Code, Message: f.Message}.Or(http.StatusServiceUnavailable, "ServiceUnavailable")
	c.fail(&apiError{e.Status, e.Code, e.Message})
}

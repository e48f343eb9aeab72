package ossemu

import (
	"net/http"

	"github.com/dingops/dingops/adapters/emu"
)

// Fault makes requests of one operation fail or hang, for tests and the
// playground's failure buttons.
type Fault struct {
	// Op is the operation to disturb; "" disturbs any.
	Op Op
	// Count is how many requests it applies to (0 means 1).
	Count int
	// Status and Code are the error answered, e.g. 503 and "ServiceUnavailable"
	// (Status 0 means 500, Code "" means "InternalError").
	Status  int
	Code    string
	Message string
	// Hang holds the request unanswered until the client gives up (its
	// context ends or its timeout fires) or the server closes.
	Hang bool
}

// InjectFault queues f; faults apply in the order they were queued.
func (s *Server) InjectFault(f Fault) { s.faults.Add(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

// Faults lists the queued faults with the counts they have left.
func (s *Server) Faults() []Fault { return s.faults.List() }

func faultCount(f *Fault) *int { return &f.Count }

func (s *Server) applyFault(c *call, f Fault) {
	if f.Hang {
		s.base.Hang(c.r.Context())
		c.rec.Code = "Hang"
		return
	}
	e := emu.Failure{Status: f.Status, Code: f.Code, Message: f.Message}.Or(http.StatusInternalServerError, "InternalError")
	c.fail(&apiError{status: e.Status, code: e.Code, message: e.Message})
}

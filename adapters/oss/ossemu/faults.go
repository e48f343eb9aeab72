package ossemu

import (
	"net/http"

	"github.com/dingops/dingops/adapters/emu"
)

// applyThenHang serves c into a writer nobody reads, then holds the
// connection until the client gives up.
func (s *Server) applyThenHang(c *call) {
	w := c.w
	c.w = &heldWriter{h: http.Header{}}
	if e := s.authorize(c); e != nil {
		c.w = w
		c.fail(e)
		return
	}
	s.dispatch(c)
	c.w = w
	s.base.Hang(c.r.Context())
	c.rec.Code = "AppliedThenHang"
}

// heldWriter swallows an answer that is never sent.
type heldWriter struct{ h http.Header }

func (h *heldWriter) Header() http.Header         { return h.h }
func (h *heldWriter) Write(b []byte) (int, error) { return len(b), nil }
func (h *heldWriter) WriteHeader(int)             {}

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
	// Applied carries the request out first and then holds its answer
	// back as Hang does: a request that lands though its client timed out,
	// which real OSS can do (a write is applied server-side whether or not
	// the client is still there to read the answer).
	Applied bool
}

// InjectFault queues f; faults apply in the order they were queued.
func (s *Server) InjectFault(f Fault) { s.faults.Add(f) }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

// Faults lists the queued faults with the counts they have left.
func (s *Server) Faults() []Fault { return s.faults.List() }

func faultCount(f *Fault) *int { return &f.Count }

func (s *Server) applyFault(c *call, f Fault) {
	if f.Applied {
		s.applyThenHang(c)
		return
	}
	if f.Hang {
		s.base.Hang(c.r.Context())
		c.rec.Code = "Hang"
		return
	}
	e := emu.Failure{Status: f.Status, Code: f.Code, Message: f.Message}.Or(http.StatusInternalServerError, "InternalError")
	c.fail(&apiError{status: e.Status, code: e.Code, message: e.Message})
}

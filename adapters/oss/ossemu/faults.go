package ossemu

import "net/http"

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
func (s *Server) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Faults lists the queued faults with the counts they have left.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Fault(nil), s.faults...)
}

func (s *Server) takeFault(op Op) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Op != "" && f.Op != op {
			continue
		}
		if s.faults[i].Count--; s.faults[i].Count == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f, true
	}
	return Fault{}, false
}

func (s *Server) applyFault(c *call, f Fault) {
	if f.Hang {
		select {
		case <-c.r.Context().Done():
		case <-s.l.Closing():
		}
		c.rec.Code = "Hang"
		return
	}
	e := &apiError{status: f.Status, code: f.Code, message: f.Message}
	if e.status == 0 {
		e.status = http.StatusInternalServerError
	}
	if e.code == "" {
		e.code = "InternalError"
	}
	if e.message == "" {
		e.message = "Injected fault."
	}
	c.fail(e)
}

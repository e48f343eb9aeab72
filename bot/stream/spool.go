package stream

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/dingops/dingops/store"
)

// SpoolFile is the spool's file name in Config.SpoolDir.
const SpoolFile = "dingtalk-inbound.spool"

// errSpoolFull: the spool holds Config.SpoolMax messages already.
var errSpoolFull = errors.New("the local spool is full")

// spool keeps the chat messages and card clicks the store could not record,
// until it can. DingTalk pushes a bot message once and never again, acked
// or not (developerpedia docs/learn/stream/protocol.md), so what the store
// cannot take must be kept here or it is lost. It is an append-only file of
// JSON lines — "put" a message, "done" once the store has it — fsynced
// before each Put returns, so a message the SDK acks survives a SIGKILL. It
// is rewritten with only the waiting messages when opened, which also drops
// a line torn by a crash mid-write (that message was never acked as kept).
type spool struct {
	mu    sync.Mutex
	path  string
	f     *os.File
	max   int
	size  int64 // bytes in the file, to cut a failed append off again
	live  map[string]store.InboundMessage
	order []string // live ids, oldest first
}

// spoolLine is one line of the file.
type spoolLine struct {
	Op  string                `json:"op"` // "put" or "done"
	ID  string                `json:"id"`
	Msg *store.InboundMessage `json:"msg,omitempty"`
}

// openSpool opens (creating) dir/SpoolFile, holding at most max messages.
func openSpool(dir string, max int) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating spool directory: %w", err)
	}
	s := &spool{path: filepath.Join(dir, SpoolFile), max: max, live: map[string]store.InboundMessage{}}
	if err := s.load(); err != nil {
		return nil, err
	}
	if err := s.rewrite(); err != nil {
		return nil, err
	}
	return s, nil
}

// load replays the file into live; lines that do not decode are skipped.
func (s *spool) load() error {
	f, err := os.Open(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening spool: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var l spoolLine
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.ID == "" {
			continue
		}
		if l.Op == "put" && l.Msg != nil {
			s.add(*l.Msg)
		} else if l.Op == "done" {
			s.remove(l.ID)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading spool: %w", err)
	}
	return nil
}

// rewrite replaces the file with the live messages (temp file, fsync,
// rename, fsync of the directory) and opens it for appending.
func (s *spool) rewrite() error {
	tmp := s.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("rewriting spool: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, id := range s.order {
		m := s.live[id]
		if err := writeLine(w, spoolLine{Op: "put", ID: id, Msg: &m}); err != nil {
			f.Close()
			return err
		}
	}
	err = errors.Join(w.Flush(), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, s.path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(s.path))
	}
	if err != nil {
		return fmt.Errorf("rewriting spool: %w", err)
	}
	if s.f, err = os.OpenFile(s.path, os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return fmt.Errorf("opening spool: %w", err)
	}
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("opening spool: %w", err)
	}
	s.size = st.Size()
	return nil
}

// Put keeps m; it returns once m is on disk. A message kept already is not
// written again; a full spool refuses with errSpoolFull.
func (s *spool) Put(m store.InboundMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.live[m.MsgID]; ok {
		return nil
	}
	if len(s.live) >= s.max {
		return errSpoolFull
	}
	if err := s.append(spoolLine{Op: "put", ID: m.MsgID, Msg: &m}); err != nil {
		return err
	}
	s.add(m)
	return nil
}

// Done forgets id once the store has it. When nothing is left the file is
// emptied. A "done" lost to a crash only makes the message recorded again,
// which the inbox ignores.
func (s *spool) Done(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.live[id]; !ok {
		return nil
	}
	s.remove(id)
	if len(s.live) == 0 {
		s.size = 0
		return errors.Join(s.f.Truncate(0), s.f.Sync())
	}
	return s.append(spoolLine{Op: "done", ID: id})
}

// Waiting lists the kept messages, oldest first.
func (s *spool) Waiting() []store.InboundMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]store.InboundMessage, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.live[id])
	}
	return out
}

// Len is how many messages wait.
func (s *spool) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

func (s *spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Close()
}

// append writes one line and fsyncs; a failed write is cut off again so
// the next line does not run on from half a line.
func (s *spool) append(l spoolLine) error {
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encoding spool line: %w", err)
	}
	b = append(b, '\n')
	if _, err = s.f.Write(b); err == nil {
		err = s.f.Sync()
	}
	if err != nil {
		_ = s.f.Truncate(s.size)
		return fmt.Errorf("writing spool: %w", err)
	}
	s.size += int64(len(b))
	return nil
}

func (s *spool) add(m store.InboundMessage) {
	if _, ok := s.live[m.MsgID]; !ok {
		s.order = append(s.order, m.MsgID)
	}
	s.live[m.MsgID] = m
}

func (s *spool) remove(id string) {
	if _, ok := s.live[id]; !ok {
		return
	}
	delete(s.live, id)
	for i, x := range s.order {
		if x == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

func writeLine(w *bufio.Writer, l spoolLine) error {
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encoding spool line: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

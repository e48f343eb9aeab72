package stream

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

// The burst benchmark's cost metrics. The emulator and the benchmark's own
// driver run in this process; their goroutines carry the pprof label
// side=emu or side=bench (labels pass to the goroutines they start), so a
// CPU profile taken over the timed part of each round splits the process's
// CPU (getrusage) into the bot's share — unlabelled samples: the stream SDK
// client, transport, bot, engine, store, the OpenAPI client, and the
// runtime's background GC — and the rest.

// sideLabel runs f with the goroutine labelled side=v.
func sideLabel(v string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("side", v), func(context.Context) { f() })
}

// cpuMeter accumulates process CPU and the bot's share over timed windows.
type cpuMeter struct {
	proc, bot time.Duration
	buf       bytes.Buffer
	t0        time.Duration
	profiling bool
	q         queryCounter
	counts    [3]int64 // statements, transactions, round trips inside the windows
	c0        [3]int64
}

func (m *cpuMeter) snapshot() [3]int64 {
	return [3]int64{m.q.stmts.Load(), m.q.txs.Load(), m.q.stmts.Load() + m.q.control.Load()}
}

// report prints the per-message metrics over n messages. Round trips are
// reported for PostgreSQL only: SQLite runs in the process.
func (m *cpuMeter) report(b *testing.B, n int, pg bool) {
	if n == 0 {
		return
	}
	per := func(v float64) float64 { return v / float64(n) }
	b.ReportMetric(per(float64(m.proc.Microseconds())/1000), "proc-cpu-ms/msg")
	if m.bot > 0 {
		b.ReportMetric(per(float64(m.bot.Microseconds())/1000), "bot-cpu-ms/msg")
	}
	b.ReportMetric(per(float64(m.counts[0])), "stmts/msg")
	b.ReportMetric(per(float64(m.counts[1])), "txs/msg")
	if pg {
		b.ReportMetric(per(float64(m.counts[2])), "roundtrips/msg")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// start opens a window. When a profile is already running (go test
// -cpuprofile) the bot's share cannot be split out and is not reported.
func (m *cpuMeter) start() {
	m.buf.Reset()
	m.profiling = pprof.StartCPUProfile(&m.buf) == nil
	m.c0 = m.snapshot()
	m.t0 = processCPU()
}

func (m *cpuMeter) stop() {
	d := processCPU() - m.t0
	m.proc += d
	for i, v := range m.snapshot() {
		m.counts[i] += v - m.c0[i]
	}
	if !m.profiling {
		return
	}
	pprof.StopCPUProfile()
	bySide, err := profileBySide(m.buf.Bytes())
	total := bySide[""] + bySide["emu"] + bySide["bench"]
	if err != nil || total == 0 {
		return
	}
	m.bot += time.Duration(float64(d) * float64(bySide[""]) / float64(total))
}

// profileBySide sums a gzipped pprof profile's CPU nanoseconds (the second
// sample value) by the value of the label "side". It reads the protobuf
// wire format directly (profile.proto: Profile.sample = 2, string_table = 6;
// Sample.value = 2, label = 3; Label.key = 1, str = 2).
func profileBySide(gz []byte) (map[string]int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var strs []string
	type sample struct {
		ns     int64
		labels [][2]int64 // key, value: string indexes
	}
	var samples []sample
	sideKey := int64(-1)
	err = eachField(raw, func(f int, v uint64, b []byte) error {
		switch f {
		case 6:
			strs = append(strs, string(b))
		case 2:
			ns, ls, err := decodeSample(b)
			samples = append(samples, sample{ns: ns, labels: ls})
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, s := range strs {
		if s == "side" {
			sideKey = int64(i)
		}
	}
	out := map[string]int64{}
	for _, s := range samples {
		v := ""
		for _, l := range s.labels {
			if l[0] == sideKey && int(l[1]) < len(strs) {
				v = strs[l[1]]
			}
		}
		out[v] += s.ns
	}
	return out, nil
}

// decodeSample returns a sample's last value (CPU ns) and its string labels.
func decodeSample(b []byte) (int64, [][2]int64, error) {
	var vals []int64
	var ls [][2]int64
	err := eachField(b, func(f int, v uint64, sub []byte) error {
		switch {
		case f == 2 && sub != nil: // packed
			for len(sub) > 0 {
				x, n := binary.Uvarint(sub)
				if n <= 0 {
					return errors.New("bad packed value")
				}
				vals, sub = append(vals, int64(x)), sub[n:]
			}
		case f == 2:
			vals = append(vals, int64(v))
		case f == 3:
			var l [2]int64
			err := eachField(sub, func(f int, v uint64, _ []byte) error {
				if f == 1 || f == 2 {
					l[f-1] = int64(v)
				}
				return nil
			})
			ls = append(ls, l)
			return err
		}
		return nil
	})
	if len(vals) == 0 {
		return 0, ls, err
	}
	return vals[len(vals)-1], ls, err
}

// eachField walks protobuf fields: varints give v, length-delimited give b.
func eachField(b []byte, f func(field int, v uint64, b []byte) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("bad field key")
		}
		b = b[n:]
		var v uint64
		var sub []byte
		switch key & 7 {
		case 0:
			v, n = binary.Uvarint(b)
		case 2:
			var l uint64
			l, n = binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return errors.New("bad length")
			}
			sub, n = b[n:n+int(l)], n+int(l)
		case 1:
			n = 8
		case 5:
			n = 4
		default:
			return errors.New("unsupported wire type")
		}
		if n <= 0 || n > len(b) {
			return errors.New("truncated field")
		}
		b = b[n:]
		if err := f(int(key>>3), v, sub); err != nil {
			return err
		}
	}
	return nil
}

// queryCounter is a bun query hook counting statements and transactions.
// On PostgreSQL each is one round trip (the simple protocol, or a prepared
// statement's pipelined bind/execute).
// traceSQL prints every counted statement (DINGOPS_BENCH_SQL=1).
var traceSQL = os.Getenv("DINGOPS_BENCH_SQL") == "1"

type queryCounter struct{ stmts, txs, control atomic.Int64 }

func (c *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *queryCounter) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if _, bench := pprof.Label(ctx, "side"); bench {
		return // the benchmark's own polling
	}
	if traceSQL {
		fmt.Println("SQL:", e.Query)
	}
	switch e.Query {
	case "BEGIN":
		c.txs.Add(1)
		c.control.Add(1)
	case "COMMIT", "ROLLBACK":
		c.control.Add(1)
	default:
		c.stmts.Add(1)
	}
}

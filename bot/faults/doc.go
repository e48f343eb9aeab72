// Package faults proves dingops under load and faults: its tests build the
// dingops binary once, run several `dingops serve` processes on one
// PostgreSQL database and one DingTalk emulator, deploy to an OSS emulator,
// and then kill, cut, stall, refuse and push twice. Every test asserts that
// nothing was lost and nothing was done twice: each command answered once,
// each approval deployed once, each announcement sent once, and the
// release row, the card and the audit log agreeing at the end.
//
// The package's one piece of non-test code is Proxy, a TCP proxy that
// injects network faults (cut every connection, refuse new ones, delay or
// stall one direction); the tests put it between a replica and PostgreSQL.
//
// docs/reliability.md lists every test: what it proves, how to rerun it and
// what it found. The tests need DINGOPS_TEST_POSTGRES_DSN (they skip
// without it); DINGOPS_LONG=1 adds the slow variants.
package faults

// Package e2e holds end-to-end tests of the deploy targets with the real
// engine: each target's real client library talks to its emulator, and a
// rollback goes approved → deploying → succeeded with the emulator's state
// as proof. It also holds the approve-to-live benchmark.
package e2e

// Package e2e holds the end-to-end tests of the release pipeline: chat text
// typed into the real bot, the real engine and worker on a real store
// (SQLite, and PostgreSQL when DINGOPS_TEST_POSTGRES_DSN is set), the Jenkins
// builder against the Jenkins emulator, the git checker against a throwaway
// repository, and the OSS deployer against the OSS emulator — wired the way
// bot/system wires them, with a fixed calendar and an injected clock.
//
// The package has no code of its own: everything is in its tests.
package e2e

package system

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// ConfigLoad describes one configuration load for the audit log.
type ConfigLoad struct {
	Path    string          // the file, as given to --config
	Config  *configs.Config // the validated configuration
	Version string          // the dingops build
	Replica string          // this process (host-pid)
}

// AuditConfigLoad appends the config_load audit event `dingops serve`
// records at start: which file, a fingerprint of the resolved
// configuration (so the audit log shows when it changed), how many apps,
// which build and which replica. Secrets never reach it: they print
// redacted, and the DSN's password is removed before hashing.
func AuditConfigLoad(ctx context.Context, log core.AuditLog, clock core.Clock, c ConfigLoad) error {
	sum, err := Fingerprint(c.Config)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("loaded %s sha256=%s apps=%d chats=%d version=%s replica=%s", c.Path, sum,
		len(c.Config.Apps), len(c.Config.Chats), c.Version, c.Replica)
	ev := core.AuditEvent{At: clock.Now(), Actor: core.SystemActor, Kind: core.AuditConfig, Detail: detail}
	if err := log.Append(ctx, ev); err != nil {
		return fmt.Errorf("auditing configuration load: %w", err)
	}
	return nil
}

// Fingerprint is the first 12 hex digits of the SHA-256 of the resolved
// configuration as YAML, with secrets redacted.
func Fingerprint(cfg *configs.Config) (string, error) {
	c := *cfg
	c.Store.DSN = store.Redact(c.Store.DSN)
	b, err := yaml.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("fingerprinting configuration: %w", err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])[:12], nil
}

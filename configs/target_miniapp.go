package configs

// The miniapp kind: a DingTalk enterprise mini program rolled to a version.

// MiniApp rolls a DingTalk enterprise mini program to a version.
type MiniApp struct {
	AgentID   string        `yaml:"agent_id"`
	OpUnionID string        `yaml:"op_union_id"` // unionId of an admin with app-management rights
	Confirm   *ConfirmProbe `yaml:"confirm"`     // optional: follow a deploy to its users (url: a client-visible version endpoint)
}

func (m *MiniApp) validate(v *validator, p string) {
	if m.Confirm != nil {
		m.Confirm.validate(v, p+".confirm")
	}
	if m.AgentID == "" {
		v.bad(p+".agent_id", "is required (the mini program's agentId)")
	}
	if m.OpUnionID == "" {
		v.bad(p+".op_union_id", "is required: the unionId of an admin with app-management rights")
	}
	if v.cfg.DingTalk == nil {
		v.bad(p, "a miniapp target needs the dingtalk: section (its OpenAPI credentials)")
	}
}

// Summary implements TargetSection.
func (m *MiniApp) Summary() string { return "miniapp: agent " + m.AgentID }

// Secrets implements TargetSection: it uses the dingtalk section's.
func (m *MiniApp) Secrets() []Secret { return nil }

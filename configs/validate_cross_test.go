package configs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

// TestCrossChecks: settings that are each valid but contradict another —
// the two listeners on one address, one conversation under two chat names,
// a chat listed twice, a scan interval longer than the lease — are found at
// the line of the key at fault.
func TestCrossChecks(t *testing.T) {
	chats2 := "chats: {ops: {conversation_id: cid}, ops2: {conversation_id: cid, language: en}}\n"
	cases := []struct {
		name, text string
		err        string // the error's path ("" none: then says is a worker.poll warning)
		line       int
		says       string
	}{
		{"same address", "server:\n  web_addr: 127.0.0.1:8080\n  ops_addr: 127.0.0.1:8080\n" + minimalApps,
			"server.ops_addr", 3, "is the same listener address as server.web_addr"},
		{"wildcard covers loopback", "server:\n  web_addr: 127.0.0.1:9090\n  ops_addr: 0.0.0.0:9090\n" + minimalApps,
			"server.ops_addr", 3, "port 9090"},
		{"empty host is every interface", "server:\n  ops_addr: ':8080'\n" + minimalApps,
			"server.ops_addr", 2, "port 8080"},
		{"localhost is loopback", "server:\n  web_addr: localhost:9000\n  ops_addr: '[::1]:9000'\n" + minimalApps,
			"server.ops_addr", 3, "port 9000"},
		{"different ports", "server:\n  web_addr: 127.0.0.1:8081\n  ops_addr: 127.0.0.1:8082\n" + minimalApps, "", 0, ""},
		{"different hosts", "server:\n  web_addr: 127.0.0.1:8080\n  ops_addr: 10.0.0.5:8080\n" + minimalApps, "", 0, ""},
		{"both random", "server:\n  web_addr: 127.0.0.1:0\n  ops_addr: 127.0.0.1:0\n" + minimalApps, "", 0, ""},
		{"one conversation, two chats", "teams: {a: [alice], b: [bob]}\n" + chats2 + apps1("[ops]"),
			"chats.ops2.conversation_id", 2, `chats.ops already has conversation_id "cid"`},
		{"poll longer than lease", "worker: {lease: 30s, poll: 1m}\n" + minimalApps,
			"", 1, "longer than worker.lease 30s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, probs, err := configs.Parse([]byte(c.text), "c.yaml", env())
			if c.err == "" {
				require.NoError(t, err, "%v", probs)
				if c.says == "" {
					assert.Empty(t, probs.Warnings)
				}
			} else {
				require.Error(t, err)
				require.Len(t, probs.List, 1, "%v", probs.List)
				assert.Equal(t, c.err, probs.List[0].Path)
				assert.Equal(t, c.line, probs.List[0].Line)
				assert.Contains(t, probs.List[0].Message, c.says)
			}
			if c.err == "" && c.says != "" {
				require.Len(t, probs.Warnings, 1, "%v", probs.Warnings)
				assert.Equal(t, "worker.poll", probs.Warnings[0].Path)
				assert.Equal(t, c.line, probs.Warnings[0].Line)
				assert.Contains(t, probs.Warnings[0].Message, c.says)
			}
		})
	}
}

// TestAChatListedTwiceIsAWarning: the app's card would go to the group
// twice; the second mention is at fault.
func TestAChatListedTwiceIsAWarning(t *testing.T) {
	text := "teams: {a: [alice], b: [bob]}\nchats: {ops: {conversation_id: cid}}\n" + apps1("[ops, ops]")
	_, probs, err := configs.Parse([]byte(text), "c.yaml", env())
	require.NoError(t, err, "%v", probs)
	require.Len(t, probs.Warnings, 1)
	assert.Equal(t, "apps.api.chats[1]", probs.Warnings[0].Path)
	assert.Contains(t, probs.Warnings[0].Message, "lists chat ops twice")
}

func apps1(chats string) string {
	return `apps:
  api:
    target:
      kind: container
      kubernetes: {namespace: prod, deployments: [{deployment: api, container: api}]}
    chats: ` + chats + `
    release_teams: [a]
    approver_teams: [b]
`
}

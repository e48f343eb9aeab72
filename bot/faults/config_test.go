package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

// The world every test starts from: apps web1…webN on OSS, each with its
// own chat; alice releases, bob and carol approve; announcements go to the
// ops chat.
const (
	ossBucket    = "faults-web"
	ossRegion    = "cn-hangzhou"
	ossAK        = "LTAIfaults"
	ossSecret    = "faults-oss-secret"
	cardTemplate = "00000000-0000-0000-0000-00000000fa17.schema"
	opsChat      = "cid-ops"

	envDSN      = "DINGOPS_FAULTS_DSN"
	envDTSecret = "DINGOPS_FAULTS_DINGTALK_SECRET"
	envOSS      = "DINGOPS_FAULTS_OSS_SECRET"
)

// settings are what a test changes in its world.
type settings struct {
	Apps       int           // web1…webN
	Announce   bool          // a window opening and a digest every minute
	Lease      time.Duration // worker.lease
	Poll       time.Duration // worker.poll
	Drain      time.Duration // worker.drain_timeout
	OSSTimeout time.Duration // one OSS attempt
	DTTimeout  time.Duration // one DingTalk OpenAPI call
	AckTimeout time.Duration // the emulator's ack deadline (diagnostic only: nothing is pushed again)
	Duplicates int           // the emulator pushes every n-th message twice; 0 never
	Script     bool          // web1 deploys with a script (scriptTarget) instead of OSS
	Spool      int           // dingtalk.spool_max, with a spool directory per replica; 0: no spool
}

func defaults() settings {
	return settings{Apps: 2, Lease: 2 * time.Second, Poll: 250 * time.Millisecond, Drain: 30 * time.Second,
		OSSTimeout: 5 * time.Second, DTTimeout: 2 * time.Second, AckTimeout: 5 * time.Second}
}

func app(i int) string  { return fmt.Sprintf("web%d", i) }
func chat(i int) string { return fmt.Sprintf("cid-web%d", i) }

// configData is what the template is filled with.
type configData struct {
	settings
	OpsAddr, WebAddr string
	DingTalk         string // the emulator's host:port
	OSS              string // the OSS endpoint URL
	AppNames         []string
	ScriptDir        string // web1's script target, when settings.Script
	SpoolDir         string // the replica's dingtalk.spool_dir, when settings.Spool
}

// Dur writes a duration the way the configuration reads it.
func (c configData) Dur(d time.Duration) string { return d.String() }

var configTemplate = template.Must(template.New("dingops.yaml").Parse(`language: en
time_zone: Asia/Shanghai
store:
  dsn_env: ` + envDSN + `
server:
  ops_addr: {{.OpsAddr}}
  web_addr: {{.WebAddr}}
  log_format: json
worker:
  lease: {{.Dur .Lease}}
  poll: {{.Dur .Poll}}
  concurrency: 4
  drain_timeout: {{.Dur .Drain}}
dingtalk:
  client_id: ` + dingtalkemu.DefaultClientID + `
  client_secret_env: ` + envDTSecret + `
  card_template_id: ` + cardTemplate + `
  endpoint: {{.DingTalk}}
  protocol: http
  stream_host: http://{{.DingTalk}}
  timeout: {{.Dur .DTTimeout}}
  handlers: 4
{{- if .Spool}}
  spool_dir: {{.SpoolDir}}
  spool_max: {{.Spool}}
{{- end}}
teams:
  frontend: [alice]
  sre: [bob, carol]
chats:
  ops: {conversation_id: ` + opsChat + `}
{{- range $i, $a := .AppNames}}
  chat-{{$a}}: {conversation_id: cid-{{$a}}}
{{- end}}
{{- if .Announce}}
windows:
  every-minute:
    apps: [{{range $i, $a := .AppNames}}{{if $i}}, {{end}}{{$a}}{{end}}]
    days: all
    open_on_holidays: true
    open_without_data: true
    periods:
      - {start: "* * * * *", duration: 30s}
announcements:
  posts:
    - {chat: ops, kind: window_open, apps: [{{range $i, $a := .AppNames}}{{if $i}}, {{end}}{{$a}}{{end}}]}
    - {chat: ops, kind: weekly_digest, schedule: "* * * * *", apps: [{{range $i, $a := .AppNames}}{{if $i}}, {{end}}{{$a}}{{end}}]}
{{- end}}
apps:
{{- range .AppNames}}
  {{.}}:
    target:
{{- if and $.ScriptDir (eq . "web1")}}
      kind: container
      script:
        command: [sh, deploy.sh]
        live_command: [cat, live]
        dir: {{$.ScriptDir}}
{{- else}}
      kind: oss
      oss:
        endpoint: {{$.OSS}}
        region: ` + ossRegion + `
        bucket: ` + ossBucket + `
        access_key_id: ` + ossAK + `
        access_key_secret_env: ` + envOSS + `
        fixed_key: {{.}}/manifest.json
        manifest_pattern: {{.}}/manifest.*.json
        timeout: {{$.Dur $.OSSTimeout}}
{{- end}}
    chats: [chat-{{.}}]
    release_teams: [frontend]
    approver_teams: [sre]
{{- end}}
`))

// writeConfig writes a replica's configuration file and returns its path.
func (w *world) writeConfig(name, opsAddr, webAddr string) string {
	return w.writeConfigSpool(name, name, opsAddr, webAddr)
}

// writeConfigSpool is writeConfig with the spool directory named by spool
// (a restarted replica keeps the spool of the one it replaces).
func (w *world) writeConfigSpool(name, spool, opsAddr, webAddr string) string {
	d := configData{settings: w.set, OpsAddr: opsAddr, WebAddr: webAddr, DingTalk: w.dt.Addr(), OSS: w.ossURL,
		ScriptDir: w.scriptDir, SpoolDir: filepath.Join(w.dir, "spool-"+spool)}
	for i := 1; i <= w.set.Apps; i++ {
		d.AppNames = append(d.AppNames, app(i))
	}
	var b strings.Builder
	require.NoError(w.t, configTemplate.Execute(&b, d))
	path := filepath.Join(w.dir, name+".yaml")
	require.NoError(w.t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

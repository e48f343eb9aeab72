package dingtalkemu

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// MiniApp is an app installed in the organisation, keyed by agent id.
type MiniApp struct {
	AgentID   string
	MiniAppID string
	Name      string
	// H5 marks an H5 micro app: the version APIs only serve enterprise
	// self-built mini programs and answer appTypeNotSupport.
	H5 bool
	// Admins are the unionIds allowed to publish and roll back.
	Admins []string
}

// MiniAppVersion is one uploaded version of a mini program.
type MiniAppVersion struct {
	ID         int64
	Version    string
	Type       int // dingtalk.VersionDevelopment, VersionOnline, VersionExperience
	OnPC       bool
	CreateTime time.Time
	ModifyTime time.Time
}

type miniApp struct {
	MiniApp
	versions   []*MiniAppVersion // upload order, oldest first
	online     int64
	experience int64
	previous   int64 // the version online before online, for ClientVersion
}

// AddMiniApp installs a mini program (replacing one with the same agent id).
func (s *Server) AddMiniApp(a MiniApp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.miniApps[a.AgentID] = &miniApp{MiniApp: a}
	s.bump(EventMiniApp, a.AgentID)
}

// UploadMiniAppVersion adds a development version, as the IDE upload does,
// and returns its appVersionId.
func (s *Server) UploadMiniAppVersion(agentID, version string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.miniApps[agentID]
	if !ok {
		return 0, fmt.Errorf("dingtalk emulator: no mini program with agent id %s", agentID)
	}
	s.st.lastID += 7 // ids grow, but not one by one
	now := s.now()
	a.versions = append(a.versions, &MiniAppVersion{ID: s.st.lastID, Version: version, CreateTime: now, ModifyTime: now})
	s.bump(EventMiniApp, agentID)
	return s.st.lastID, nil
}

// SetOnlineMiniAppVersion makes a version online directly (set-up, no API).
func (s *Server) SetOnlineMiniAppVersion(agentID string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.miniApps[agentID]
	if !ok || a.find(id) < 0 {
		return fmt.Errorf("dingtalk emulator: no version %d of agent %s", id, agentID)
	}
	s.setOnline(a, id)
	return nil
}

// MiniAppVersions lists a mini program's versions in upload order, with
// their current type; online is the online version id (0 if none).
func (s *Server) MiniAppVersions(agentID string) (versions []MiniAppVersion, online int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.miniApps[agentID]
	if !ok {
		return nil, 0
	}
	st := a.state()
	return st.Versions, st.Online
}

func (a *miniApp) find(id int64) int {
	return slices.IndexFunc(a.versions, func(v *MiniAppVersion) bool { return v.ID == id })
}

func (a *miniApp) typed(v *MiniAppVersion) MiniAppVersion {
	out := *v
	switch v.ID {
	case a.online:
		out.Type = dingtalk.VersionOnline
	case a.experience:
		out.Type = dingtalk.VersionExperience
	default:
		out.Type = dingtalk.VersionDevelopment
	}
	return out
}

func (s *Server) setOnline(a *miniApp, id int64) {
	if a.online != id {
		a.previous = a.online
	}
	a.online = id
	if a.experience == id {
		a.experience = 0
	}
	a.versions[a.find(id)].ModifyTime = s.now()
	s.bump(EventMiniApp, a.AgentID)
}

// wire renders a version the way the list APIs answer.
func (a *miniApp) wire(v *MiniAppVersion) map[string]any {
	t := a.typed(v)
	const layout = "2006-01-02 15:04:05"
	return map[string]any{"appVersionId": t.ID, "appVersion": t.Version, "appVersionType": t.Type,
		"miniAppId": a.MiniAppID, "miniAppOnPc": t.OnPC, "createTime": t.CreateTime.Format(layout),
		"modifyTime": t.ModifyTime.Format(layout)}
}

// lookup finds the call's mini program; call with s.mu held.
func (s *Server) lookup(c *call) (*miniApp, *Fault) {
	a, ok := s.st.miniApps[c.r.PathValue("agentId")]
	switch {
	case !ok:
		return nil, invalid("invalidAgentId", "agentId不合法")
	case a.H5:
		return nil, invalid("appTypeNotSupport", "应用类型不支持，仅支持企业自建小程序")
	}
	return a, nil
}

// current are the versions GET …/versions lists: the online, experience
// and newest development versions. Only these can be published
// (https://open.dingtalk.com/document/development/release-internal-applet-version:
// appVersionId comes from 获取企业内部小程序的版本列表).
func (a *miniApp) current() []*MiniAppVersion {
	var out []*MiniAppVersion
	for i, v := range slices.Backward(a.versions) {
		if v.ID == a.online || v.ID == a.experience || i == len(a.versions)-1 {
			out = append(out, v)
		}
	}
	return out
}

func (a *miniApp) isCurrent(id int64) bool {
	return slices.ContainsFunc(a.current(), func(v *MiniAppVersion) bool { return v.ID == id })
}

// listVersions is GET …/versions.
func (s *Server) listVersions(c *call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, f := s.lookup(c)
	if f != nil {
		return nil, f
	}
	list := []map[string]any{}
	for _, v := range a.current() {
		list = append(list, a.wire(v))
	}
	return map[string]any{"appVersionList": list}, nil
}

// historyVersions is GET …/historyVersions?pageNumber&pageSize: every
// version. DingTalk documents no order; the emulator answers the most
// recently changed first (a rollback moves an old version up), so a client
// that takes the answer's order for upload order is caught.
func (s *Server) historyVersions(c *call) (any, *Fault) {
	q := c.r.URL.Query()
	page, err1 := strconv.Atoi(q.Get("pageNumber"))
	size, err2 := strconv.Atoi(q.Get("pageSize"))
	if err1 != nil || err2 != nil || page < 1 || size < 1 || size > 100 {
		return nil, invalid("invalidParam", "pageNumber和pageSize不合法")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, f := s.lookup(c)
	if f != nil {
		return nil, f
	}
	list := []map[string]any{}
	order := slices.Clone(a.versions)
	slices.SortStableFunc(order, func(x, y *MiniAppVersion) int {
		if c := y.ModifyTime.Compare(x.ModifyTime); c != 0 {
			return c
		}
		return cmp.Compare(y.ID, x.ID)
	})
	for i := (page - 1) * size; i < len(order) && i < page*size; i++ {
		list = append(list, a.wire(order[i]))
	}
	return map[string]any{"miniAppVersionList": list, "totalCount": len(order)}, nil
}

type versionRequest struct {
	AppVersionID *int64 `json:"appVersionId"`
	OpUnionID    string `json:"opUnionId"`
	PublishType  string `json:"publishType"`
	MiniAppOnPc  *bool  `json:"miniAppOnPc"`
}

// versionCall checks what publish and rollback share, in DingTalk's order:
// parameters, agent, app type, operator rights, then the version.
func (s *Server) versionCall(c *call, req *versionRequest) (*miniApp, int, *Fault) {
	if f := c.decode(req); f != nil {
		return nil, 0, f
	}
	if req.AppVersionID == nil || req.OpUnionID == "" {
		return nil, 0, invalid("invalidParam", "appVersionId和opUnionId不能为空")
	}
	a, f := s.lookup(c)
	if f != nil {
		return nil, 0, f
	}
	if !slices.Contains(a.Admins, req.OpUnionID) {
		return nil, 0, invalid("noAppManagePermission", "操作人没有应用管理权限")
	}
	i := a.find(*req.AppVersionID)
	if i < 0 {
		return nil, 0, invalid("invalidMiniVersion", "不合法的versionId")
	}
	return a, i, nil
}

// publishVersion is POST …/versions/publish: a version of the version
// list. miniAppOnPc false (or, the emulator assumes, absent) publishes for
// mobile only ("false：只发布移动端 true：既发布移动端又发布PC端").
func (s *Server) publishVersion(c *call) (any, *Fault) {
	var req versionRequest
	s.mu.Lock()
	defer s.mu.Unlock()
	a, i, f := s.versionCall(c, &req)
	if f != nil {
		return nil, f
	}
	v := a.versions[i]
	if !a.isCurrent(v.ID) {
		return nil, invalid("invalidMiniVersion", "不合法的versionId")
	}
	switch req.PublishType {
	case "", "online":
		s.setOnline(a, v.ID)
	case "experience":
		a.experience = v.ID
		s.bump(EventMiniApp, a.AgentID)
	default:
		return nil, invalid("invalidParam", "publishType只能是online或experience")
	}
	v.OnPC = req.MiniAppOnPc != nil && *req.MiniAppOnPc
	return map[string]any{"result": true}, nil
}

// rollbackVersion is POST …/versions/rollback: to a history version
// (https://open.dingtalk.com/document/development/rollback-of-enterprise-internal-applet-version:
// appVersionId comes from 获取企业内部小程序历史版本列表), not to one of the
// version list, which is published instead.
func (s *Server) rollbackVersion(c *call) (any, *Fault) {
	var req versionRequest
	s.mu.Lock()
	defer s.mu.Unlock()
	a, i, f := s.versionCall(c, &req)
	if f != nil {
		return nil, f
	}
	if a.isCurrent(a.versions[i].ID) {
		return nil, &Fault{http.StatusBadRequest, "invalidMiniVersion", "只能回滚到历史版本"}
	}
	s.setOnline(a, a.versions[i].ID)
	return map[string]any{"result": true}, nil
}

// SetMiniAppOnPC sets whether a version opens on PC (set-up, no API), as
// the upload chose.
func (s *Server) SetMiniAppOnPC(agentID string, id int64, onPC bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.miniApps[agentID]
	if !ok || a.find(id) < 0 {
		return fmt.Errorf("dingtalk emulator: no version %d of agent %s", id, agentID)
	}
	a.versions[a.find(id)].OnPC = onPC
	return nil
}

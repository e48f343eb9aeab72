package dingtalk

import (
	"context"
	"fmt"

	"github.com/alibabacloud-go/dingtalk/micro_app_1_0"
	"github.com/alibabacloud-go/tea/tea"
)

// Mini-program version types (appVersionType).
const (
	VersionDevelopment = 0
	VersionOnline      = 2
	VersionExperience  = 3
)

// MiniAppVersion is one version of an enterprise internal mini program.
type MiniAppVersion struct {
	ID         int64  // appVersionId
	Version    string // appVersion, e.g. "1.2.0"
	Type       int    // VersionDevelopment, VersionOnline, VersionExperience
	MiniAppID  string
	OnPC       bool
	CreateTime string // "yyyy-MM-dd HH:mm:ss" as DingTalk sends it
	ModifyTime string
}

// MiniAppHistoryPage is one page of the history versions, in an order
// DingTalk does not document: sort by CreateTime where order matters.
type MiniAppHistoryPage struct {
	Versions []MiniAppVersion
	Total    int64
}

// MiniAppVersions lists the current versions (online, development,
// experience) of the mini program of agentID: the ones that can be
// published (https://open.dingtalk.com/document/development/get-the-version-list-of-the-enterprise-internal-applet).
func (c *Client) MiniAppVersions(ctx context.Context, agentID string) ([]MiniAppVersion, error) {
	resp, err := withToken(ctx, c, APIListMiniAppVersions, func(tok string) (*micro_app_1_0.ListInnerAppVersionResponse, error) {
		h := &micro_app_1_0.ListInnerAppVersionHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.app, func(sc *micro_app_1_0.Client) (*micro_app_1_0.ListInnerAppVersionResponse, error) {
			return sc.ListInnerAppVersionWithOptions(tea.String(agentID), h, c.runtime())
		})
	})
	if err != nil || resp == nil || resp.Body == nil {
		return nil, err
	}
	out := make([]MiniAppVersion, 0, len(resp.Body.AppVersionList))
	for _, v := range resp.Body.AppVersionList {
		if v != nil {
			out = append(out, version(v.AppVersionId, v.AppVersion, v.AppVersionType, v.MiniAppId, v.MiniAppOnPc, v.CreateTime, v.ModifyTime))
		}
	}
	return out, nil
}

// MiniAppHistory reads one page (numbered from 1) of the history versions.
func (c *Client) MiniAppHistory(ctx context.Context, agentID string, page, size int) (MiniAppHistoryPage, error) {
	req := &micro_app_1_0.PageInnerAppHistoryVersionRequest{PageNumber: tea.Int32(int32(page)), PageSize: tea.Int32(int32(size))}
	resp, err := withToken(ctx, c, APIMiniAppHistory, func(tok string) (*micro_app_1_0.PageInnerAppHistoryVersionResponse, error) {
		h := &micro_app_1_0.PageInnerAppHistoryVersionHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.app, func(sc *micro_app_1_0.Client) (*micro_app_1_0.PageInnerAppHistoryVersionResponse, error) {
			return sc.PageInnerAppHistoryVersionWithOptions(tea.String(agentID), req, h, c.runtime())
		})
	})
	if err != nil || resp == nil || resp.Body == nil {
		return MiniAppHistoryPage{}, err
	}
	p := MiniAppHistoryPage{Total: tea.Int64Value(resp.Body.TotalCount)}
	for _, v := range resp.Body.MiniAppVersionList {
		if v != nil {
			p.Versions = append(p.Versions, version(v.AppVersionId, v.AppVersion, v.AppVersionType, v.MiniAppId, v.MiniAppOnPc, v.CreateTime, v.ModifyTime))
		}
	}
	return p, nil
}

// PublishMiniAppVersion makes version id (one of MiniAppVersions) online;
// opUnionID is the unionId of an admin with app-management rights. onPC is
// miniAppOnPc: false publishes for mobile only, so pass what the version
// has (https://open.dingtalk.com/document/development/release-internal-applet-version).
func (c *Client) PublishMiniAppVersion(ctx context.Context, agentID string, id int64, opUnionID string, onPC bool) error {
	req := &micro_app_1_0.PublishInnerAppVersionRequest{AppVersionId: tea.Int64(id), OpUnionId: tea.String(opUnionID),
		PublishType: tea.String("online"), MiniAppOnPc: tea.Bool(onPC)}
	resp, err := withToken(ctx, c, APIPublishMiniApp, func(tok string) (*micro_app_1_0.PublishInnerAppVersionResponse, error) {
		h := &micro_app_1_0.PublishInnerAppVersionHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.app, func(sc *micro_app_1_0.Client) (*micro_app_1_0.PublishInnerAppVersionResponse, error) {
			return sc.PublishInnerAppVersionWithOptions(tea.String(agentID), req, h, c.runtime())
		})
	})
	return resultError(APIPublishMiniApp, id, err, resp != nil && resp.Body != nil && tea.BoolValue(resp.Body.Result))
}

// RollbackMiniAppVersion makes the historical version id (one of
// MiniAppHistory, not of MiniAppVersions) online again
// (https://open.dingtalk.com/document/development/rollback-of-enterprise-internal-applet-version).
func (c *Client) RollbackMiniAppVersion(ctx context.Context, agentID string, id int64, opUnionID string) error {
	req := &micro_app_1_0.RollbackInnerAppVersionRequest{AppVersionId: tea.Int64(id), OpUnionId: tea.String(opUnionID)}
	resp, err := withToken(ctx, c, APIRollbackMiniApp, func(tok string) (*micro_app_1_0.RollbackInnerAppVersionResponse, error) {
		h := &micro_app_1_0.RollbackInnerAppVersionHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.app, func(sc *micro_app_1_0.Client) (*micro_app_1_0.RollbackInnerAppVersionResponse, error) {
			return sc.RollbackInnerAppVersionWithOptions(tea.String(agentID), req, h, c.runtime())
		})
	})
	return resultError(APIRollbackMiniApp, id, err, resp != nil && resp.Body != nil && tea.BoolValue(resp.Body.Result))
}

// resultError treats {"result":false} as a failure DingTalk did not explain.
func resultError(api string, id int64, err error, ok bool) error {
	if err != nil || ok {
		return err
	}
	return &APIError{API: api, Status: 200, Code: "resultFalse", Message: fmt.Sprintf("version %d: result is false", id)}
}

// version copies the fields the two generated list types share.
func version(id *int64, v *string, typ *int32, miniAppID *string, pc *bool, created, modified *string) MiniAppVersion {
	return MiniAppVersion{ID: tea.Int64Value(id), Version: tea.StringValue(v), Type: int(tea.Int32Value(typ)),
		MiniAppID: tea.StringValue(miniAppID), OnPC: tea.BoolValue(pc), CreateTime: tea.StringValue(created),
		ModifyTime: tea.StringValue(modified)}
}

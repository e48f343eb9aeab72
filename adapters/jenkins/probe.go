package jenkins

import (
	"context"
	"net/http"
	"net/url"
)

// Parameters are the build parameters dingops sends (docs/jenkins.md).
var Parameters = []string{"DINGOPS_APP", "DINGOPS_BRANCH", "DINGOPS_COMMIT", "DINGOPS_VERSION", "DINGOPS_REQUESTER",
	"DINGOPS_RELEASE_ID"}

// Whoami reads the root of the API (GET /api/json) as the configured user:
// an *HTTPError with status 401 or 403 is refused credentials.
func (b *Builder) Whoami(ctx context.Context) error {
	_, err := b.get(ctx, "/api/json", url.Values{"tree": {"mode"}})
	return err
}

// Crumb fetches a CSRF crumb (GET /crumbIssuer/api/json); issued is false
// when CSRF protection is off (404), which is fine for API tokens.
func (b *Builder) Crumb(ctx context.Context) (issued bool, err error) {
	var c crumb
	err = b.getJSON(ctx, "/crumbIssuer/api/json", nil, &c)
	if statusOf(err) == http.StatusNotFound {
		return false, nil
	}
	return err == nil && c.Value != "", err
}

// JobParameters lists the parameters job declares; a missing job is an
// *HTTPError with status 404.
func (b *Builder) JobParameters(ctx context.Context, job string) ([]string, error) {
	var j struct {
		Property []struct {
			ParameterDefinitions []struct {
				Name string `json:"name"`
			} `json:"parameterDefinitions"`
		} `json:"property"`
	}
	if err := b.getJSON(ctx, jobPath(job)+"/api/json", url.Values{"tree": {"property[parameterDefinitions[name]]"}}, &j); err != nil {
		return nil, err
	}
	var out []string
	for _, p := range j.Property {
		for _, d := range p.ParameterDefinitions {
			out = append(out, d.Name)
		}
	}
	return out, nil
}

// Status is an error's HTTP status from Jenkins, 0 when there was none.
func Status(err error) int { return statusOf(err) }

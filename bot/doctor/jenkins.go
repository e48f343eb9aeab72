package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dingops/dingops/adapters/jenkins"
)

// JenkinsAPI is what the Jenkins checks call.
type JenkinsAPI interface {
	Whoami(ctx context.Context) error
	Crumb(ctx context.Context) (bool, error)
	JobParameters(ctx context.Context, job string) ([]string, error)
}

// JenkinsSetup names the user and the jobs (job → apps using it).
type JenkinsSetup struct {
	URL, User, TokenEnv string
	TokenSet            bool
	Jobs                map[string][]string
}

// JenkinsChecks are auth, the crumb and each job's parameters.
func JenkinsChecks(api JenkinsAPI, s JenkinsSetup) []Check {
	const in = "jenkins"
	if !s.TokenSet {
		return []Check{MissingEnv(in, "token", "jenkins.token_env", s.TokenEnv)}
	}
	out := []Check{
		{in, "auth", "GET " + s.URL + "/api/json as " + s.User, func(ctx context.Context) Outcome {
			if err := api.Whoami(ctx); err != nil {
				return jenkinsFailure(err, s)
			}
			return Pass("accepted")
		}},
		{in, "crumb", "GET /crumbIssuer/api/json", func(ctx context.Context) Outcome {
			issued, err := api.Crumb(ctx)
			switch {
			case err != nil:
				return jenkinsFailure(err, s)
			case !issued:
				return Pass("CSRF protection off")
			}
			return Pass("issued")
		}},
	}
	for _, job := range sortedKeys(s.Jobs) {
		out = append(out, Check{in, "job " + job, "GET job/" + strings.ReplaceAll(job, "/", "/job/") + "/api/json (parameters)",
			func(ctx context.Context) Outcome { return jobCheck(ctx, api, s, job) }})
	}
	return out
}

func jobCheck(ctx context.Context, api JenkinsAPI, s JenkinsSetup, job string) Outcome {
	params, err := api.JobParameters(ctx, job)
	if jenkins.Status(err) == 404 {
		return FailedErr(err, fmt.Sprintf("create the job %s, or fix jenkins_job of %s", job, strings.Join(s.Jobs[job], ", ")))
	}
	if err != nil {
		return jenkinsFailure(err, s)
	}
	var missing []string
	for _, p := range jenkins.Parameters {
		if !slices.Contains(params, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return Failed("does not declare "+strings.Join(missing, ", "),
			"add the string parameters "+strings.Join(missing, ", ")+" to the job (\"This project is parameterized\"; docs/jenkins.md)")
	}
	return Pass("declares the %d DINGOPS_* parameters", len(jenkins.Parameters))
}

func jenkinsFailure(err error, s JenkinsSetup) Outcome {
	switch jenkins.Status(err) {
	case 401:
		return FailedErr(err, fmt.Sprintf("check jenkins.user (%s) and the API token in %s (user → Configure → API Token)", s.User, s.TokenEnv))
	case 403:
		return FailedErr(err, fmt.Sprintf("give %s Overall/Read and Job/Read, Job/Build on the jobs (Manage Jenkins → Security)", s.User))
	}
	return FailedErr(err, "check jenkins.url and that this host can reach it")
}

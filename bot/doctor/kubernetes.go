package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/core"
)

// KubeTarget is what the Kubernetes checks call: the app's deployer and
// the RBAC question.
type KubeTarget interface {
	Live(ctx context.Context) (core.Artifact, error)
	Owners(ctx context.Context) ([]kubernetes.Owner, error)
}

// CanIFunc asks a SelfSubjectAccessReview.
type CanIFunc func(ctx context.Context, a kubernetes.Access) (bool, string, error)

// KubeSetup names what the checks ask about.
type KubeSetup struct {
	Namespace     string
	Deployments   []string
	AllowOverride bool
}

// KubeChecks are the Deployments and containers, get and patch of
// deployments, and GitOps ownership.
func KubeChecks(app string, t KubeTarget, canI CanIFunc, s KubeSetup) []Check {
	const in = "kubernetes"
	p := "app " + app + ": "
	out := []Check{{in, p + "deployments", "GET deployments " + strings.Join(s.Deployments, ", ") + " in " + s.Namespace,
		func(ctx context.Context) Outcome {
			if _, err := t.Live(ctx); err != nil {
				return FailedErr(err, "check the kubeconfig (or in-cluster service account), the namespace and "+
					"the deployments/containers of the target")
			}
			return Pass("found, containers present")
		}}}
	for _, verb := range []string{"get", "patch"} {
		out = append(out, Check{in, p + verb + " deployments", "SelfSubjectAccessReview " + verb + " apps/deployments in " + s.Namespace,
			func(ctx context.Context) Outcome {
				ok, _, err := canI(ctx, kubernetes.Access{Namespace: s.Namespace, Verb: verb, Group: "apps", Resource: "deployments"})
				switch {
				case err != nil:
					return FailedErr(err, "check the kubeconfig and that the API server is reachable")
				case !ok:
					return Failed("not allowed", fmt.Sprintf("add the verb %q on resource deployments (apiGroups: [apps]) to the Role "+
						"bound to dingops's user or service account in namespace %s", verb, s.Namespace))
				}
				return Pass("allowed")
			}})
	}
	return append(out, Check{in, p + "GitOps ownership", "read the Deployments' owner labels and annotations", func(ctx context.Context) Outcome {
		owners, err := t.Owners(ctx)
		if err != nil {
			return FailedErr(err, "see the deployments check")
		}
		if len(owners) == 0 || s.AllowOverride {
			return Pass("%d managed by a GitOps tool", len(owners))
		}
		return Failed(fmt.Sprintf("%s is managed by %s (%s): releases onto it are refused", owners[0].Deployment, owners[0].Tool, owners[0].What),
			"deploy it through the argocd target kind, or set allow_gitops_override: true if the tool does not reconcile the image")
	}})
}

// ArgoCDChecks are the application, its source and the token's can-i.
func ArgoCDChecks(app string, probe func(context.Context) error, where string) []Check {
	return []Check{{"argocd", "app " + app + ": application", "GET the application and account/can-i get, update, sync of " + where,
		func(ctx context.Context) Outcome {
			if err := probe(ctx); err != nil {
				return FailedErr(err, "see the message: it names the missing policy line or setting")
			}
			return Pass("exists; the token may get, update and sync it")
		}}}
}

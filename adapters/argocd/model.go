package argocd

import (
	"encoding/json"
	"time"
)

// The parts of Argo CD's Application (pkg/apis/application/v1alpha1/types.go
// in argoproj/argo-cd) the deployer reads; JSON names as there.
type application struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec      appSpec         `json:"spec"`
	Status    appStatus       `json:"status"`
	Operation json.RawMessage `json:"operation,omitempty"` // set: an operation is requested or running
}

type appSpec struct {
	Project    string      `json:"project"`
	Source     *source     `json:"source,omitempty"`
	Sources    []source    `json:"sources,omitempty"`
	SyncPolicy *syncPolicy `json:"syncPolicy,omitempty"`
}

// source is ApplicationSource; only the two ways of setting an image matter.
type source struct {
	RepoURL   string     `json:"repoURL"`
	Kustomize *kustomize `json:"kustomize,omitempty"`
	Helm      *helm      `json:"helm,omitempty"`
}

type kustomize struct {
	Images []string `json:"images,omitempty"` // KustomizeImages: "[old=]new[:tag][@digest]"
}

type helm struct {
	Parameters []helmParameter `json:"parameters,omitempty"`
}

type helmParameter struct {
	Name        string `json:"name,omitempty"`
	Value       string `json:"value,omitempty"`
	ForceString bool   `json:"forceString,omitempty"`
}

type syncPolicy struct {
	Automated *struct {
		SelfHeal *bool `json:"selfHeal,omitempty"`
		Enabled  *bool `json:"enabled,omitempty"`
	} `json:"automated,omitempty"`
}

type appStatus struct {
	Sync struct {
		Status   string `json:"status"` // Synced, OutOfSync, Unknown
		Revision string `json:"revision,omitempty"`
	} `json:"sync"`
	Health struct {
		Status  string `json:"status"` // Healthy, Progressing, Degraded, Suspended, Missing, Unknown
		Message string `json:"message,omitempty"`
	} `json:"health"`
	OperationState *operationState `json:"operationState,omitempty"`
	ReconciledAt   *time.Time      `json:"reconciledAt,omitempty"`
	Summary        struct {
		Images []string `json:"images,omitempty"`
	} `json:"summary"`
}

// operationState is OperationState: the last or current operation.
type operationState struct {
	Operation struct {
		Sync *struct {
			Source  *source  `json:"source,omitempty"`
			Sources []source `json:"sources,omitempty"`
		} `json:"sync,omitempty"`
	} `json:"operation"`
	Phase      string     `json:"phase"` // Running, Terminating, Failed, Error, Succeeded
	Message    string     `json:"message,omitempty"`
	StartedAt  time.Time  `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt,omitempty"`
	SyncResult *struct {
		Revision string `json:"revision"`
	} `json:"syncResult,omitempty"`
}

// tree is ApplicationTree, from GET .../resource-tree.
type tree struct {
	Nodes []struct {
		Kind      string   `json:"kind"`
		Group     string   `json:"group"`
		Namespace string   `json:"namespace"`
		Name      string   `json:"name"`
		Images    []string `json:"images,omitempty"`
		// ParentRefs: a Pod's ReplicaSet, a ReplicaSet's Deployment.
		ParentRefs []parentRef `json:"parentRefs,omitempty"`
		Health     *struct {
			Status  string `json:"status"`
			Message string `json:"message"`
		} `json:"health,omitempty"`
	} `json:"nodes"`
}

// parentRef is a ResourceNode's parent (ResourceRef).
type parentRef struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// sourceAt is the source dingops sets the image in: spec.source, or
// spec.sources[pos-1] for a multi-source app (positions are 1-based, as
// the sync API's sourcePositions).
func sourceAt(single *source, multi []source, pos int) *source {
	if pos == 0 {
		return single
	}
	if pos > len(multi) {
		return nil
	}
	return &multi[pos-1]
}

package argocdemu

import "time"

// The Application as Argo CD's API serves it (pkg/apis/application/v1alpha1/
// types.go in argoproj/argo-cd): the fields the emulator models, with the
// same JSON names and omitempty rules. Fields it does not model are dropped
// by a patch, as an older server would.
type Application struct {
	APIVersion string          `json:"apiVersion,omitempty"`
	Kind       string          `json:"kind,omitempty"`
	Metadata   ObjectMeta      `json:"metadata"`
	Spec       ApplicationSpec `json:"spec"`
	Status     AppStatus       `json:"status,omitempty"`
	Operation  *Operation      `json:"operation,omitempty"`
}

// ObjectMeta is the metadata the emulator keeps.
type ObjectMeta struct {
	Name            string `json:"name"`
	Namespace       string `json:"namespace"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	Generation      int64  `json:"generation,omitempty"`
}

// ApplicationSpec is spec.
type ApplicationSpec struct {
	Source      *Source     `json:"source,omitempty"`
	Destination Destination `json:"destination"`
	Project     string      `json:"project"`
	SyncPolicy  *SyncPolicy `json:"syncPolicy,omitempty"`
	Sources     []Source    `json:"sources,omitempty"`
}

// Source is ApplicationSource.
type Source struct {
	RepoURL        string     `json:"repoURL"`
	Path           string     `json:"path,omitempty"`
	TargetRevision string     `json:"targetRevision,omitempty"`
	Chart          string     `json:"chart,omitempty"`
	Helm           *Helm      `json:"helm,omitempty"`
	Kustomize      *Kustomize `json:"kustomize,omitempty"`
	Ref            string     `json:"ref,omitempty"`
}

// Helm is ApplicationSourceHelm.
type Helm struct {
	ValueFiles []string        `json:"valueFiles,omitempty"`
	Parameters []HelmParameter `json:"parameters,omitempty"`
}

// HelmParameter is one --set.
type HelmParameter struct {
	Name        string `json:"name,omitempty"`
	Value       string `json:"value,omitempty"`
	ForceString bool   `json:"forceString,omitempty"`
}

// Kustomize is ApplicationSourceKustomize.
type Kustomize struct {
	Images []string `json:"images,omitempty"`
}

// Destination is where the manifests go.
type Destination struct {
	Server    string `json:"server,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// SyncPolicy is spec.syncPolicy.
type SyncPolicy struct {
	Automated   *Automated `json:"automated,omitempty"`
	SyncOptions []string   `json:"syncOptions,omitempty"`
}

// Automated is SyncPolicyAutomated.
type Automated struct {
	Prune    *bool `json:"prune,omitempty"`
	SelfHeal *bool `json:"selfHeal,omitempty"`
	Enabled  *bool `json:"enabled,omitempty"`
}

func (p *SyncPolicy) auto() bool {
	return p != nil && p.Automated != nil && (p.Automated.Enabled == nil || *p.Automated.Enabled)
}

func (p *SyncPolicy) selfHeal() bool {
	return p.auto() && p.Automated.SelfHeal != nil && *p.Automated.SelfHeal
}

// Operation is a requested operation.
type Operation struct {
	Sync        *SyncOperation     `json:"sync,omitempty"`
	InitiatedBy OperationInitiator `json:"initiatedBy,omitempty"`
}

// SyncOperation is what a sync applies: the sources as they were when it
// was requested.
type SyncOperation struct {
	Revision    string   `json:"revision,omitempty"`
	Prune       bool     `json:"prune,omitempty"`
	SyncOptions []string `json:"syncOptions,omitempty"`
	Source      *Source  `json:"source,omitempty"`
	Sources     []Source `json:"sources,omitempty"`
}

// OperationInitiator says who asked.
type OperationInitiator struct {
	Username  string `json:"username,omitempty"`
	Automated bool   `json:"automated,omitempty"`
}

// AppStatus is status.
type AppStatus struct {
	Sync           SyncStatus      `json:"sync,omitempty"`
	Health         HealthStatus    `json:"health,omitempty"`
	OperationState *OperationState `json:"operationState,omitempty"`
	ReconciledAt   *time.Time      `json:"reconciledAt,omitempty"`
	Summary        Summary         `json:"summary,omitempty"`
}

// SyncStatus is status.sync.
type SyncStatus struct {
	Status   string `json:"status"`
	Revision string `json:"revision,omitempty"`
}

// HealthStatus is a health and its message.
type HealthStatus struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

// OperationState is status.operationState.
type OperationState struct {
	Operation  Operation   `json:"operation"`
	Phase      string      `json:"phase"`
	Message    string      `json:"message,omitempty"`
	SyncResult *SyncResult `json:"syncResult,omitempty"`
	StartedAt  time.Time   `json:"startedAt"`
	FinishedAt *time.Time  `json:"finishedAt,omitempty"`
}

// SyncResult is SyncOperationResult.
type SyncResult struct {
	Revision string   `json:"revision"`
	Source   *Source  `json:"source,omitempty"`
	Sources  []Source `json:"sources,omitempty"`
}

// Summary is status.summary.
type Summary struct {
	Images []string `json:"images,omitempty"`
}

// ResourceNode is one node of an ApplicationTree.
type ResourceNode struct {
	Group     string        `json:"group,omitempty"`
	Version   string        `json:"version,omitempty"`
	Kind      string        `json:"kind,omitempty"`
	Namespace string        `json:"namespace,omitempty"`
	Name      string        `json:"name,omitempty"`
	Images    []string      `json:"images,omitempty"`
	Health    *HealthStatus `json:"health,omitempty"`
	// ParentRefs and Info as in ApplicationTree's ResourceNode: a Pod's
	// parent is its ReplicaSet, whose parent is the Deployment; a Pod's
	// info has "Containers" = ready/total.
	ParentRefs []ResourceRef `json:"parentRefs,omitempty"`
	Info       []InfoItem    `json:"info,omitempty"`
}

// ResourceRef is a ResourceNode's parent reference.
type ResourceRef struct {
	Group     string `json:"group,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// InfoItem is one name/value of a ResourceNode's info.
type InfoItem struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

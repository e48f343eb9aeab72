package playground

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	authv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/dingops/dingops/bot/doctor"
	"github.com/dingops/dingops/bot/system"
)

// DoctorPath is the page's API call that runs `dingops doctor` against
// the playground's world.
const DoctorPath = APIPath + "/doctor"

// Doctor runs `dingops doctor`'s checks (no write checks) against the
// playground's emulators, as `dingops doctor --config` would, and returns
// the results and their text.
func (p *Playground) Doctor(ctx context.Context) ([]doctor.Result, string) {
	checks, red, closeAll := system.DoctorChecks(ctx, p.system().Config, system.DoctorOptions{Getenv: p.opts.Getenv,
		Now: p.clock().Now()})
	defer closeAll()
	rs := doctor.Run(ctx, checks, 10*time.Second)
	var b jsonText
	_ = doctor.WriteText(&b, rs, red)
	return rs, string(b)
}

type jsonText []byte

func (j *jsonText) Write(p []byte) (int, error) { *j = append(*j, p...); return len(p), nil }

// doctorRun is POST /api/doctor: {"lines": "...", "results": [...], "failed": n}.
func (p *Playground) doctorRun(w http.ResponseWriter, r *http.Request) {
	rs, text := p.Doctor(r.Context())
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"lines": text, "results": rs, "failed": doctor.Failures(rs)})
}

// access answers a SelfSubjectAccessReview (what doctor asks the cluster)
// from kubesim.
func (k *kubeAPI) access(w http.ResponseWriter, r *http.Request) {
	cs := k.clientset(w)
	if cs == nil {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(body, nil, nil) // JSON or protobuf, as client-go sends
	in, ok := obj.(*authv1.SelfSubjectAccessReview)
	if err != nil || !ok {
		k.status(w, apierrors.NewBadRequest(fmt.Sprintf("decoding the review: %v", err)))
		return
	}
	out, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(r.Context(), in, metav1.CreateOptions{})
	if err != nil {
		k.status(w, err)
		return
	}
	out.APIVersion, out.Kind = "authorization.k8s.io/v1", "SelfSubjectAccessReview"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(out)
}

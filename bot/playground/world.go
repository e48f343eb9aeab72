package playground

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/adapters/oss/ossemu"
)

// The world configs/playground.yaml describes; the emulators are set up to
// match it (a test parses the file and runs it).
const (
	clientID    = "dingplaygroundshop"
	chatID      = "cidPlaygroundShopOps=="
	bucket      = "shop-static"
	ossRegion   = "cn-hangzhou"
	ossKeyID    = "LTAIplayground"
	jenkinsUser = "dingops"
	agentID     = "9001"
	miniAppID   = "5000"
	opUnionID   = "unionPlaygroundAdmin"
	namespace   = "shop"
	deployment  = "api"
	imageRepo   = "registry.playground.local/shop/api"
	fixedKey    = "web/manifest.json"
)

// The environment variables playground.yaml names for its secrets; the
// playground sets them (for configs.Parse) to values it makes up at start.
const (
	envDingTalkSecret = "DINGOPS_PLAYGROUND_DINGTALK_SECRET"
	envJenkinsToken   = "DINGOPS_PLAYGROUND_JENKINS_TOKEN"
	envOSSSecret      = "DINGOPS_PLAYGROUND_OSS_SECRET"
)

// emulators are the outside systems of the playground, all on 127.0.0.1.
type emulators struct {
	dt      *dingtalkemu.Server
	oss     *ossemu.Server
	jenkins *jenkinsemu.Server
	reg     *kubesim.Registry
	kube    *kubeAPI
	argo    *argoFront   // Argo CD, for the catalog app
	sim     *kubesim.Sim // made when the store says what runs (restore)
	secrets map[string]string
	log     *slog.Logger
}

func randomSecret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startEmulators starts every emulator but the cluster, which needs to
// know what is live.
func startEmulators(log *slog.Logger) (_ *emulators, err error) {
	e := &emulators{log: log, secrets: map[string]string{envDingTalkSecret: randomSecret(),
		envJenkinsToken: randomSecret(), envOSSSecret: randomSecret(), envArgoCDTok: randomSecret()}}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	e.dt = dingtalkemu.New(dingtalkemu.Options{Apps: []dingtalkemu.App{{ClientID: clientID,
		ClientSecret: e.secrets[envDingTalkSecret]}}, Logger: log.With("emulator", "dingtalk")})
	if err := e.dt.Start(); err != nil {
		return nil, err
	}
	e.dt.AddMiniApp(dingtalkemu.MiniApp{AgentID: agentID, MiniAppID: miniAppID, Name: "商城小程序", Admins: []string{opUnionID}})
	e.oss = ossemu.New(ossemu.Options{Buckets: []string{bucket}, Region: ossRegion, PublicRead: true,
		Credentials: map[string]string{ossKeyID: e.secrets[envOSSSecret]}, Logger: log.With("emulator", "oss")})
	if err := e.oss.Start(); err != nil {
		return nil, err
	}
	e.jenkins = jenkinsemu.New(jenkinsemu.Options{Users: map[string]string{jenkinsUser: e.secrets[envJenkinsToken]},
		QuietPeriod: -1, Executors: 3, Logger: log.With("emulator", "jenkins")})
	if err := e.jenkins.Start(); err != nil {
		return nil, err
	}
	if err := e.addJobs(); err != nil {
		return nil, err
	}
	if e.reg, err = kubesim.NewRegistry(kubesim.RegistryOptions{Logger: log.With("emulator", "registry")}); err != nil {
		return nil, err
	}
	if err := e.reg.Start(); err != nil {
		return nil, err
	}
	if e.kube, err = startKubeAPI(log.With("emulator", "kubernetes")); err != nil {
		return nil, err
	}
	e.argo, err = startArgoFront()
	return e, err
}

// startCluster makes the simulated cluster with the api Deployment running
// image and Argo CD's catalog Deployment running catalogImage, and runs its
// controller and Argo CD until ctx ends.
func (e *emulators) startCluster(ctx context.Context, image, catalogImage string) error {
	sim, err := kubesim.New(kubesim.Options{Registry: e.reg, Interval: 250 * time.Millisecond, Step: 1,
		Logger: e.log.With("emulator", "kubesim"), Deployments: []kubesim.Seed{{Namespace: namespace, Name: deployment,
			Replicas: 3, Containers: []kubesim.Container{{Name: deployment, Image: image}}}, catalogSeed(catalogImage)}})
	if err != nil {
		return err
	}
	if err := sim.Start(ctx); err != nil {
		return err
	}
	e.sim = sim
	e.kube.setSim(sim)
	return e.startArgoCD(ctx, sim, catalogImage)
}

// Close stops every emulator that was started.
func (e *emulators) Close() {
	var errs []error
	if e.kube != nil {
		e.kube.Close()
	}
	if e.argo != nil {
		errs = append(errs, e.argo.Close())
	}
	if e.sim != nil {
		errs = append(errs, e.sim.Close())
	}
	if e.reg != nil {
		errs = append(errs, e.reg.Close())
	}
	if e.jenkins != nil {
		errs = append(errs, e.jenkins.Close())
	}
	if e.oss != nil {
		errs = append(errs, e.oss.Close())
	}
	if e.dt != nil {
		e.dt.Close()
	}
	if err := errors.Join(errs...); err != nil {
		e.log.Debug("closing the emulators", "err", err)
	}
}

package configs

// AlertIntake configures the alert endpoints of the web listener
// (docs/alerts.md).
type AlertIntake struct {
	// AppLabel is the label that names an alert's app; default dingops_app,
	// falling back to app. Alerts on a Kubernetes app may instead carry
	// namespace plus deployment (or service) labels that match its target.
	AppLabel string `yaml:"app_label"`
}

// Watch is an app's post-release watch: alerts that start within For after
// a release or rollback went live are attributed to it.
type Watch struct {
	For    Duration `yaml:"for"`
	Health *Health  `yaml:"health"` // optional probe polled during the watch
}

// Health is an HTTP probe polled while a release is watched; Failures
// failed polls in a row are an alert like any other.
type Health struct {
	URL      string   `yaml:"url"`
	Expect   int      `yaml:"expect"`   // the status a healthy answer has; default 200
	Interval Duration `yaml:"interval"` // default 10s
	Timeout  Duration `yaml:"timeout"`  // default 5s
	Failures int      `yaml:"failures"` // in a row; default 3
}

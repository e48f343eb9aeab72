package core

// ReleaseRequest asks for a branch of app to be built and released.
type ReleaseRequest struct {
	Actor  Actor
	App    string
	Branch string
	Reason string
	Urgent bool
	// Options are the key=value pairs typed after the branch, unchecked;
	// RequestRelease validates them against the app's OptionSpecs.
	Options []OptionValue
}

package jenkins

import "strconv"

// BuildLink is how people see the build of ref: "#42" and the build's page
// (<root>/job/<folder>/job/<name>/42/, where Jenkins shows its console and
// result). Both are "" while ref names only a queue item: the build has no
// number before it leaves the queue.
func (b *Builder) BuildLink(ref string) (label, url string) {
	r, err := ParseRef(ref)
	if err != nil || r.Build == 0 {
		return "", ""
	}
	return "#" + strconv.Itoa(r.Build), b.base + buildPath(r) + "/"
}

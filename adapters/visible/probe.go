package visible

import (
	"context"
	"io"
	"net/http"
	"strings"
)

// maxProbeBody is how much of a probe answer is read: a version endpoint
// answers with a few bytes, and a page is not read to its end.
const maxProbeBody = 64 << 10

// Probe is a URL that answers with the version users get: in a header
// (Header, e.g. X-App-Version) or, without Header, in the body.
type Probe struct {
	URL    string
	Header string
	// HTTP makes the requests (default: 10 s timeout).
	HTTP *http.Client
}

// Serves GETs the URL as a user would (no cache-busting query) and tells
// whether the answer names one of want: the header's value equals one of
// them, or the body contains one as a whole name.
func (p *Probe) Serves(ctx context.Context, want []string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return false
	}
	resp, err := p.HTTP.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	if p.Header != "" {
		got := strings.TrimSpace(resp.Header.Get(p.Header))
		for _, w := range want {
			if w != "" && got == w {
				return true
			}
		}
		return false
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProbeBody))
	if err != nil {
		return false
	}
	for _, w := range want {
		if w != "" && containsToken(string(body), w) {
			return true
		}
	}
	return false
}

// containsToken reports whether s contains w not as part of a longer
// name: "v4" is not found in "v42", but is in {"version":"v4"}.
func containsToken(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !nameByte(s[start-1])) && (end == len(s) || !nameByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func nameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_'
}

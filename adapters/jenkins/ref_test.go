package jenkins

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRefRoundTrip(t *testing.T) {
	for s, want := range map[string]Ref{
		"web?queue=7&release=123":                  {Job: "web", Queue: 7, Release: 123},
		"team/web#42?queue=7&release=123":          {Job: "team/web", Queue: 7, Build: 42, Release: 123},
		"team/front end/web#3":                     {Job: "team/front end/web", Build: 3},
		"repo/feature%2Flogin#1?queue=2&release=3": {Job: "repo/feature%2Flogin", Queue: 2, Build: 1, Release: 3},
	} {
		got, err := ParseRef(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, s, got.String())
	}
}

func TestParseRefRefuses(t *testing.T) {
	for s, want := range map[string]string{
		"":                      "no job",
		"web":                   "neither a build number nor a queue id",
		"web#x":                 "bad build number",
		"web#0?queue=1":         "bad build number",
		"web?queue=-1":          "bad queue id",
		"web?queue=1&release=":  "",
		"web?queue=1&release=a": "bad release id",
		"a//b#1":                "bad job path",
		"../web#1":              "bad job path",
		"web?queue=%zz":         "invalid URL escape",
	} {
		_, err := ParseRef(s)
		if want == "" {
			assert.NoError(t, err, s)
			continue
		}
		assert.ErrorContains(t, err, want, s)
	}
}

func TestJobPaths(t *testing.T) {
	assert.Equal(t, "/job/team/job/front%20end/job/feature%252Flogin", jobPath("team/front end/feature%2Flogin"))
	for raw, want := range map[string]string{
		"http://ci/jenkins/job/team/job/front%20end/job/web/": "team/front end/web",
		"https://other-host/job/repo/job/feature%252Flogin/":  "repo/feature%2Flogin",
		"http://ci/job/job/job/x/":                            "job/x",
		"http://ci/view/all/":                                 "",
	} {
		assert.Equal(t, want, jobOfURL(raw), raw)
	}
}

func TestJenkinsMessage(t *testing.T) {
	page := "<html><head><title>Error 403 No valid crumb was included in the request</title></head><body>…</body></html>"
	assert.Equal(t, "No valid crumb was included in the request", jenkinsMessage([]byte(page)))
	assert.Equal(t, "This build is not parameterized!", jenkinsMessage([]byte("  This build is\n not parameterized!\n")))
	assert.Equal(t, "a & b", jenkinsMessage([]byte("<p>a &amp; b</p>")))
	long := jenkinsMessage([]byte(strings.Repeat("x", 500)))
	assert.Equal(t, 201, len([]rune(long)))
}

func TestTail(t *testing.T) {
	tl := tail{max: 3}
	tl.add([]byte("one\ntw"))
	tl.add([]byte("o\r\nthree\nfour\nfi"))
	assert.Equal(t, "three\nfour\nfi", tl.String())
	tl.add([]byte("ve\n"))
	assert.Equal(t, "three\nfour\nfive", tl.String())
}

func TestBackoffDoublesToMax(t *testing.T) {
	b, err := New(Config{URL: "http://ci", User: "u", Token: "t", PollInterval: 10, PollMax: 35})
	require.NoError(t, err)
	bo := b.backoff()
	var got []int64
	for range 5 {
		got = append(got, int64(bo.next()))
	}
	assert.Equal(t, []int64{10, 20, 35, 35, 35}, got)
	bo.reset()
	assert.EqualValues(t, 10, bo.next())
}

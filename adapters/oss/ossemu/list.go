package ossemu

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

type listResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	KeyCount              int            `xml:"KeyCount"`
	Contents              []listEntry    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type listEntry struct {
	Key          string     `xml:"Key"`
	LastModified string     `xml:"LastModified"`
	ETag         string     `xml:"ETag"`
	Type         string     `xml:"Type"`
	Size         int        `xml:"Size"`
	StorageClass string     `xml:"StorageClass"`
	Owner        *listOwner `xml:"Owner,omitempty"`
}

type listOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// listQuery is what a ListObjectsV2 request asks for.
type listQuery struct {
	prefix, delimiter, startAfter, token string
	max                                  int
	resumeKey, resumePrefix              string
	owner, encode                        bool
}

func parseListQuery(q url.Values) (listQuery, *apiError) {
	l := listQuery{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), startAfter: q.Get("start-after"),
		token: q.Get("continuation-token"), max: 100, owner: q.Get("fetch-owner") == "true",
		encode: q.Get("encoding-type") == "url"}
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return l, errInvalidArgument("max-keys must be between 1 and 1000.")
		}
		l.max = n
	}
	if l.token != "" {
		raw, err := base64.StdEncoding.DecodeString(l.token)
		if err != nil || len(raw) < 2 || (raw[0] != 'k' && raw[0] != 'p') {
			return l, errInvalidArgument("The continuation token provided is incorrect.")
		}
		if raw[0] == 'k' {
			l.resumeKey = string(raw[1:])
		} else {
			l.resumePrefix = string(raw[1:])
		}
	}
	return l, nil
}

// skip reports whether key lies before the page asked for.
func (l listQuery) skip(key string) bool {
	if !strings.HasPrefix(key, l.prefix) || (l.startAfter != "" && key <= l.startAfter) {
		return true
	}
	if l.resumeKey != "" && key <= l.resumeKey {
		return true
	}
	return l.resumePrefix != "" && (key < l.resumePrefix || strings.HasPrefix(key, l.resumePrefix))
}

// listObjectsV2 answers GET /bkt/?list-type=2. The continuation token is
// opaque base64 ("k"+last key or "p"+last common prefix), so it carries
// "+", "/" and "=" that exercise the SDK's escaping and V1 signing.
func (s *Server) listObjectsV2(c *call) {
	l, e := parseListQuery(c.query)
	if e != nil {
		c.fail(e)
		return
	}
	s.mu.Lock()
	objs, e := s.objects(c.bucket)
	if e != nil {
		s.mu.Unlock()
		c.fail(e)
		return
	}
	res := l.page(objs)
	s.mu.Unlock()
	res.Name, res.ContinuationToken = c.bucket, l.token
	enc := func(v string) string { return v }
	if l.encode {
		res.EncodingType = "url"
		enc = func(v string) string { return strings.ReplaceAll(url.QueryEscape(v), "+", "%20") }
	}
	res.Prefix, res.StartAfter, res.Delimiter = enc(l.prefix), enc(l.startAfter), enc(l.delimiter)
	res.NextContinuationToken = enc(res.NextContinuationToken)
	for i := range res.Contents {
		res.Contents[i].Key = enc(res.Contents[i].Key)
	}
	for i := range res.CommonPrefixes {
		res.CommonPrefixes[i].Prefix = enc(res.CommonPrefixes[i].Prefix)
	}
	body, _ := xml.Marshal(res)
	c.w.Header().Set("Content-Type", "application/xml")
	c.ok(http.StatusOK)
	_, _ = c.w.Write(append([]byte(xml.Header), body...))
}

// page collects one page of keys and common prefixes (both count against
// max-keys), in key order. Called with s.mu held.
func (l listQuery) page(objs map[string]*object) listResult {
	keys := make([]string, 0, len(objs))
	for k := range objs {
		if !l.skip(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	res := listResult{MaxKeys: l.max}
	marker, lastPrefix := "", ""
	for _, k := range keys {
		cp := l.commonPrefix(k)
		if cp != "" && cp == lastPrefix {
			continue
		}
		if res.KeyCount == l.max {
			res.IsTruncated = true
			res.NextContinuationToken = base64.StdEncoding.EncodeToString([]byte(marker))
			break
		}
		res.KeyCount++
		if cp != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{cp})
			marker, lastPrefix = "p"+cp, cp
			continue
		}
		res.Contents = append(res.Contents, l.entry(k, objs[k]))
		marker = "k" + k
	}
	return res
}

func (l listQuery) commonPrefix(key string) string {
	if l.delimiter == "" {
		return ""
	}
	i := strings.Index(key[len(l.prefix):], l.delimiter)
	if i < 0 {
		return ""
	}
	return key[:len(l.prefix)+i+len(l.delimiter)]
}

func (l listQuery) entry(key string, o *object) listEntry {
	e := listEntry{Key: key, LastModified: o.modified.Format("2006-01-02T15:04:05.000Z"), ETag: o.etag,
		Type: "Normal", Size: len(o.body), StorageClass: "Standard"}
	if l.owner {
		e.Owner = &listOwner{ID: "1000000000000000", DisplayName: "1000000000000000"}
	}
	return e
}

package ossemu

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"
)

// apiError is an OSS error answer. extra holds the fields some codes add
// (SignatureDoesNotMatch's StringToSign, NotImplemented's Header), in order.
type apiError struct {
	status  int
	code    string
	message string
	ec      string
	extra   []field
}

type field struct{ name, value string }

// xmlText escapes element text but keeps newlines raw, as OSS's
// StringToSign shows them (xml.EscapeText would write &#xA;).
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// xml renders the body the way OSS does: Code, Message, RequestId, HostId,
// the code's own fields, then EC.
func (e *apiError) xml(requestID, hostID string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error>\n")
	fields := append([]field{{"Code", e.code}, {"Message", e.message}, {"RequestId", requestID},
		{"HostId", hostID}}, e.extra...)
	if e.ec != "" {
		fields = append(fields, field{"EC", e.ec})
	}
	for _, f := range fields {
		b.WriteString("  <" + f.name + ">" + xmlText(f.value) + "</" + f.name + ">\n")
	}
	b.WriteString("</Error>\n")
	return b.Bytes()
}

// EC is OSS's fine-grained code. FileAlreadyExists (0026-00000002),
// NotImplemented on a conditional PUT (0017-00000245) and PreconditionFailed
// (0017-00001001) are from Alibaba's error pages; the others are plausible
// placeholders: clients must not depend on EC values.
func errNoSuchKey() *apiError {
	return &apiError{status: http.StatusNotFound, code: "NoSuchKey",
		message: "The specified key does not exist.", ec: "0026-00000001"}
}

func errNoSuchBucket(bucket string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NoSuchBucket",
		message: "The specified bucket does not exist.", ec: "0015-00000101",
		extra: []field{{"BucketName", bucket}}}
}

func errAccessDenied(msg string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "AccessDenied", message: msg, ec: "0003-00000001"}
}

func errInvalidArgument(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidArgument", message: msg, ec: "0017-00000001"}
}

func errFileAlreadyExists() *apiError {
	return &apiError{status: http.StatusConflict, code: "FileAlreadyExists",
		message: "The object you specified already exists and can not be overwritten.", ec: "0026-00000002"}
}

func errPreconditionFailed(condition string) *apiError {
	return &apiError{status: http.StatusPreconditionFailed, code: "PreconditionFailed",
		message: "At least one of the pre-conditions you specified did not hold.", ec: "0017-00001001",
		extra: []field{{"Condition", condition}}}
}

func errNotImplementedHeader(header string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "NotImplemented",
		message: "A header you provided implies functionality that is not implemented.", ec: "0017-00000245",
		extra: []field{{"Header", header}}}
}

func errInvalidRange() *apiError {
	return &apiError{status: http.StatusRequestedRangeNotSatisfiable, code: "InvalidRange",
		message: "The requested range cannot be satisfied.", ec: "0017-00000501"}
}

func errInvalidDigest() *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidDigest",
		message: "The Content-MD5 you specified is not valid.", ec: "0017-00000302"}
}

func errInvalidObjectName() *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidObjectName",
		message: "The specified object is not valid.", ec: "0016-00000001"}
}

func errInvalidAccessKeyID(ak string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "InvalidAccessKeyId",
		message: "The OSS Access Key Id you provided does not exist in our records.", ec: "0002-00000902",
		extra: []field{{"OSSAccessKeyId", ak}}}
}

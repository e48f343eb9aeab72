package redact_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core/redact"
)

func TestRedact(t *testing.T) {
	r := redact.New("canary-s3cret", "p@ss/w rd", "ab", "")
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"token canary-s3cret in the middle", "token [redacted] in the middle"},
		{"twice canary-s3cretcanary-s3cret", "twice [redacted][redacted]"},
		{"escaped p%40ss%2Fw+rd and p@ss%2Fw%20rd", "escaped [redacted] and [redacted]"},
		{"short ab stays", "short ab stays"},
		{"postgres://app:hunter22@db:5432/x", "postgres://app:[redacted]@db:5432/x"},
		{"postgres://app@db/x?sslmode=disable&password=hunter22", "postgres://app@db/x?sslmode=disable&password=[redacted]"},
		{"host=db password=hunter22 dbname=x", "host=db password=[redacted] dbname=x"},
		{"host=db password = 'hun ter\\'22' dbname=x", "host=db password = [redacted] dbname=x"},
		{"PASSWORD=hunter22", "PASSWORD=[redacted]"},
		{"mail bob@example.com, a=b", "mail bob@example.com, a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, r.Redact(tt.in))
			assert.Equal(t, tt.in != tt.want, r.Leaks(tt.in))
		})
	}
	var none *redact.Redactor
	assert.Equal(t, "x canary-s3cret", none.Redact("x canary-s3cret"), "nil knows no values")
	assert.Equal(t, "u://a:[redacted]@h", none.Redact("u://a:b@h"), "but masks password fields")
}

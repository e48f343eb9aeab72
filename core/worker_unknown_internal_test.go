package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestUnknownRecheckIsBounded: at most unknownPerRound reads a round, and
// a release whose target stays unreadable is read at doubling gaps (in
// rounds), never more often.
func TestUnknownRecheckIsBounded(t *testing.T) {
	var u unknownRechecks
	var rs []Release
	for i := 1; i <= 8; i++ {
		rs = append(rs, Release{ID: ReleaseID(i)})
	}
	assert.Len(t, u.due(rs, 1), unknownPerRound)

	one := rs[:1]
	var read []int
	for round := 1; round <= 40; round++ {
		if len(u.due(one, round)) == 1 {
			read = append(read, round)
			u.backOff(1, round)
		}
	}
	assert.Equal(t, []int{1, 2, 4, 8, 16, 32}, read)

	u.backOff(1, 40)
	assert.Empty(t, u.due(nil, 41))
	assert.Empty(t, u.next, "a release no longer unknown is forgotten")
	for range 20 {
		u.backOff(2, 0)
	}
	assert.Equal(t, unknownMaxGap, u.next[2].gap, "the gap is capped")
}

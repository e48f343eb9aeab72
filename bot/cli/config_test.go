package cli_test

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// TestHolidayDataWarning: `config check` warns, on the calendar key's
// line, once the holiday data ends within 90 days and a window depends on
// it; never when no window does.
func TestHolidayDataWarning(t *testing.T) {
	example := load(t, filepath.Join(repoRoot(t), "configs", "example.yaml"))
	require.NotEmpty(t, example.Windows)
	noWindows := load(t, filepath.Join(repoRoot(t), "configs", "demo.yaml"))
	require.Empty(t, noWindows.Windows)
	end := core.Date{Year: 2027, Month: time.October, Day: 9}
	at := func(s string) time.Time { // noon in Shanghai
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return d.Add(4 * time.Hour)
	}
	for _, c := range []struct {
		cfg   *configs.Config
		now   string
		days  int
		warns bool
	}{
		{example, "2026-11-26", 317, false},
		{example, "2027-07-12", 89, true},
		{example, "2027-07-11", 90, false},
		{example, "2027-10-09", 0, true},
		{example, "2027-11-01", -23, true},
		{noWindows, "2027-10-01", 8, false},
	} {
		note, warns := system.HolidayData(c.cfg, end, at(c.now), 90)
		assert.Contains(t, note, "until 2027-10-09", c.now)
		assert.Contains(t, note, "("+strconv.Itoa(c.days)+" days)", c.now)
		if !c.warns {
			assert.Empty(t, warns, c.now)
			continue
		}
		require.Len(t, warns, 1, c.now)
		assert.Equal(t, "calendar", warns[0].Path)
		assert.Positive(t, warns[0].Line, "the warning points at the calendar key")
		assert.Contains(t, warns[0].Message, "ends 2027-10-09, in "+strconv.Itoa(c.days)+" days")
	}
}

func load(t *testing.T, path string) *configs.Config {
	t.Helper()
	cfg, probs, err := configs.Load(path, func(string) string { return "set-for-the-test" })
	require.NoError(t, err, "%v", probs)
	return cfg
}

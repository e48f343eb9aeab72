// Package browsertest starts the headless Chromium that the dashboard's
// and the playground's browser tests drive with chromedp. Only tests
// import it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Chromium finds a Chromium or Chrome binary; "" when none is installed.
func Chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start starts a headless Chromium for one test, or skips the test (naming
// what it would have checked) when none is installed. The network is
// closed: no background traffic. The returned context bounds every action
// by within; the browser itself lives until the test ends.
func Start(t *testing.T, what string, within time.Duration) context.Context {
	path := Chromium()
	if path == "" {
		t.Skip("no Chromium installed (Debian: apt-get install chromium fonts-noto-cjk): skipping the " + what)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "starting Chromium at "+path)
	tctx, cancel := context.WithTimeout(ctx, within)
	t.Cleanup(cancel)
	return tctx
}

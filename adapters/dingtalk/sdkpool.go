package dingtalk

import "sync"

// sdkPool hands each call a generated SDK client of its own. The tea SDK's
// clients are not safe for concurrent use: every call goes through
// openapi.Client.Execute, which reads and clears the client's Headers field
// (GetRpcHeaders in darabonba-openapi/v2 client/client.go), so two calls
// on one client — two UpdateCard calls from two goroutines — are a data
// race. A client is cheap to build and is reused once its call returns,
// so concurrent calls stay concurrent (a mutex would serialise them).
type sdkPool[T any] struct {
	mu    sync.Mutex
	free  []T
	build func() (T, error)
}

func newSDKPool[T any](build func() (T, error)) (*sdkPool[T], error) {
	p := &sdkPool[T]{build: build}
	first, err := build() // the configuration is checked once, at New
	if err != nil {
		return nil, err
	}
	p.free = append(p.free, first)
	return p, nil
}

// use runs fn with a client no other call is using, then returns it.
func use[T, R any](p *sdkPool[T], fn func(T) (R, error)) (R, error) {
	p.mu.Lock()
	var sc T
	var err error
	if n := len(p.free); n > 0 {
		sc, p.free = p.free[n-1], p.free[:n-1]
		p.mu.Unlock()
	} else {
		p.mu.Unlock()
		if sc, err = p.build(); err != nil {
			var zero R
			return zero, err
		}
	}
	defer func() {
		p.mu.Lock()
		p.free = append(p.free, sc)
		p.mu.Unlock()
	}()
	return fn(sc)
}

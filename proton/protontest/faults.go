package protontest

import (
	"context"
	"maps"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// failure is one queued FailNext instruction.
type failure struct {
	remaining  int
	status     int
	retryAfter time.Duration
	hangUp     bool // close the connection without a response
}

// faults holds the fault-injection knobs and per-route call counts.
type faults struct {
	mu        sync.Mutex
	failNext  map[string][]*failure
	dropAfter int64
	dropCount int
	latency   time.Duration
	calls     map[string]int
}

func newFaults() *faults {
	return &faults{failNext: map[string][]*failure{}, calls: map[string]int{}}
}

// FailNext makes the next n calls of route fail with HTTP status. For 429
// and 503 a Retry-After header of retryAfter (rounded up to whole seconds)
// is sent; go-proton-api retries those statuses after Retry-After plus up
// to 9 s of random jitter. Calls queue: a second
// FailNext for the same route takes effect after the first is used up.
//
// A route is named "METHOD PATTERN" with the pattern exactly as in the
// Route... constants, e.g. RouteRequestBlockUpload ("POST /drive/blocks")
// or RouteUploadBlock ("POST /storage/blocks"). Routes served by the
// composed core server are named by method and literal path, e.g.
// "POST /auth/v4" or "GET /core/v4/users".
func (s *Server) FailNext(route string, n int, status int, retryAfter time.Duration) {
	if n <= 0 {
		return
	}
	s.faults.queue(route, &failure{remaining: n, status: status, retryAfter: retryAfter})
}

// HangUpNext makes the next n calls of route end with the connection
// closed before any response, like a network failure or a request
// abandoned on the way. Routes are named as for FailNext; calls queue with
// FailNext's. go-proton-api retries a dropped connection a few times
// (catchDropError), so n larger than its retries makes the call fail.
func (s *Server) HangUpNext(route string, n int) {
	if n <= 0 {
		return
	}
	s.faults.queue(route, &failure{remaining: n, hangUp: true})
}

// DropBlockUploadAfter makes the next count block uploads (RouteUploadBlock)
// read n bytes of the request body and then drop the connection without a
// response, like a network failure half-way through an upload.
func (s *Server) DropBlockUploadAfter(n int64, count int) { s.faults.setDrop(n, count) }

// SetLatency delays every request by d before it is handled (0 disables).
func (s *Server) SetLatency(d time.Duration) { s.faults.setLatency(d) }

// SetQuota limits each account's stored bytes (encrypted block sizes).
// Block upload requests and uploads that would exceed it fail with HTTP
// 422 and CodeQuotaExceeded. The user's MaxSpace (GET /core/v4/users)
// reports it, 0 without one. bytes < 0 removes the limit (the default).
func (s *Server) SetQuota(bytes int64) { s.drive.setQuota(bytes) }

// Calls returns how many requests for route reached the server, including
// ones failed by FailNext or dropped. Route names are as for FailNext.
func (s *Server) Calls(route string) int { return s.faults.callCount(route) }

// CallCounts returns how many requests reached the server so far, by
// route named as for Calls, for every route called at least once.
func (s *Server) CallCounts() map[string]int { return s.faults.callCounts() }

func (f *faults) queue(route string, fail *failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext[route] = append(f.failNext[route], fail)
}

func (f *faults) setDrop(n int64, count int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropAfter = n
	f.dropCount = count
}

func (f *faults) setLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

func (f *faults) callCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.calls)
}

func (f *faults) callCount(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[route]
}

// arrive counts a call and returns the latency to apply and the failure to
// inject, if any.
func (f *faults) arrive(route string) (time.Duration, *failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[route]++
	queue := f.failNext[route]
	if len(queue) == 0 {
		return f.latency, nil
	}
	head := queue[0]
	head.remaining--
	if head.remaining <= 0 {
		f.failNext[route] = queue[1:]
	}
	return f.latency, &failure{status: head.status, retryAfter: head.retryAfter, hangUp: head.hangUp}
}

// takeDrop reports whether this block upload should be dropped, and after
// how many bytes.
func (f *faults) takeDrop() (int64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dropCount <= 0 {
		return 0, false
	}
	f.dropCount--
	return f.dropAfter, true
}

func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func writeInjectedFailure(w http.ResponseWriter, f *failure) {
	if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
		secs := int(math.Ceil(f.retryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if f.status == http.StatusTooManyRequests {
		writeAPIError(w, f.status, CodeTooManyRequests, "Too many recent API requests")
		return
	}
	writeAPIError(w, f.status, f.status, http.StatusText(f.status))
}

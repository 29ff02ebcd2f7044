package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
)

// opener opens folder: specs as the command line does.
func opener() job.Opener {
	r := destinations.NewRegistry()
	local.Register(r, func(string) string { return "" }, local.Detector{}, nil)
	return r.Open
}

// appExport returns the bytes of the i-th export of kind the tests share,
// made as the wallet app does (see wallettest.AppExport) by the first
// test to ask for it: each is a run of the independent implementation,
// some 0.25 s of CPU (Python starting, its PBKDF2), and a test needs an
// export of its own only within itself (its folders and state are its
// own). Exports differ by kind and i, in content too.
func appExport(t *testing.T, kind string, i int) []byte {
	t.Helper()
	sharedExports.mu.Lock()
	e := sharedExports.m[exportKey{kind, i}]
	if e == nil {
		e = &sharedExport{}
		sharedExports.m[exportKey{kind, i}] = e
	}
	sharedExports.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock() // also when AppExport skips or fails the test
	if e.b == nil {
		b, err := os.ReadFile(wallettest.AppExport(t, kind, fmt.Sprintf("%s %d", kind, i)))
		if err != nil {
			t.Fatal(err)
		}
		e.b = b
	}
	return bytes.Clone(e.b)
}

type exportKey struct {
	kind string
	i    int
}

type sharedExport struct {
	mu sync.Mutex
	b  []byte // nil until made
}

// sharedExports are appExport's, made once per test binary.
var sharedExports = struct {
	mu sync.Mutex
	m  map[exportKey]*sharedExport
}{m: map[exportKey]*sharedExport{}}

// snapshot returns the bytes of the i-th (0 to 2) of three backups made
// with job.Make (cakebackup snapshots, which are shipped as exports are,
// and need no Python to make), each with a wallet and password of its
// own. They are made once per test binary, in order, so that each is
// dated after the one before (as tests that make exports in the order
// of their dates need), and shared: a Make derives a key, some 50 ms,
// and a test needs a backup of its own only within itself.
func snapshot(t *testing.T, i int) []byte {
	t.Helper()
	all, err := sharedSnapshots()
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(all[i])
}

// sharedSnapshots are snapshot's backups.
var sharedSnapshots = sync.OnceValues(func() ([][]byte, error) {
	tmp, err := os.MkdirTemp("", "snapshots")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var all [][]byte
	for i := range 3 {
		src, out := filepath.Join(tmp, fmt.Sprint("src", i)), filepath.Join(tmp, fmt.Sprint("out", i))
		keys := filepath.Join(src, "wallets", "monero", "main", "main.keys")
		if err := os.MkdirAll(filepath.Dir(keys), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keys, fmt.Appendf(nil, "spend key %d", i), 0o600); err != nil {
			return nil, err
		}
		if err := os.Mkdir(out, 0o700); err != nil {
			return nil, err
		}
		if _, err := job.Make(context.Background(), opener(), job.Backup{Source: src, Dests: []string{"folder:" + out}, Name: "b", Password: fmt.Sprint("snapshot password ", i)}); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(filepath.Join(out, "b"))
		if err != nil {
			return nil, err
		}
		all = append(all, b)
	}
	return all, nil
})

// fixture is a watched folder, its state file and destinations.
type fixture struct {
	dir, state string
}

func newFixture(t *testing.T) *fixture {
	return &fixture{dir: t.TempDir(), state: filepath.Join(t.TempDir(), "state", "inbox.json")}
}

// inbox returns an Inbox over the fixture's folder and state shipping to
// the folders dests.
func (f *fixture) inbox(dests ...string) *inbox.Inbox {
	specs := make([]string, len(dests))
	for i, d := range dests {
		specs[i] = "folder:" + d
	}
	return &inbox.Inbox{Dir: f.dir, Dests: specs, Open: opener(), State: f.state, Settle: 100 * time.Millisecond}
}

// drop writes b into the watched folder under name, all at once.
func (f *fixture) drop(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// holdsOnly checks dir holds exactly the given exports' bytes, each once.
func holdsOnly(t *testing.T, dir string, want ...[]byte) {
	t.Helper()
	names := files(t, dir)
	if len(names) != len(want) {
		t.Fatalf("%s holds %v, want %d files", dir, names, len(want))
	}
	var got [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g []byte) bool { return bytes.Equal(g, w) }) {
			t.Fatalf("%s (%v) lacks an export", dir, names)
		}
	}
}

// once runs one Once pass and fails the test on a pass-level error.
func once(t *testing.T, in *inbox.Inbox) *inbox.Report {
	t.Helper()
	rep, err := in.Once(t.Context())
	if rep == nil {
		t.Fatalf("Once: %v", err)
	}
	return rep
}

// status returns the status the report gives the file called name, and
// whether it lists it.
func status(rep *inbox.Report, name string) (inbox.Status, bool) {
	for _, f := range rep.Files {
		if filepath.Base(f.Path) == name {
			return f.Status, true
		}
	}
	return 0, false
}

// watching runs in.Watch in the background and collects its reports; the
// watcher stops at the end of the test.
type watching struct {
	mu      sync.Mutex
	reports []*inbox.Report
	stop    func()
	done    chan error
}

func watch(t *testing.T, in *inbox.Inbox) *watching {
	t.Helper()
	w := &watching{done: make(chan error, 1)}
	in.Observe = func(r *inbox.Report) {
		w.mu.Lock()
		w.reports = append(w.reports, r)
		w.mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stop = func() {
		cancel()
		if err := <-w.done; err != nil {
			t.Errorf("Watch: %v", err)
		}
		w.done <- nil
	}
	go func() { w.done <- in.Watch(ctx) }()
	t.Cleanup(w.stop)
	return w
}

// waitFor polls the reports until cond holds, failing after a deadline.
func (w *watching) waitFor(t *testing.T, what string, cond func([]*inbox.Report) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.mu.Lock()
		ok := cond(w.reports)
		w.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the watcher: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count returns how many reports give name the status s (at size, when
// size >= 0).
func count(reports []*inbox.Report, name string, s inbox.Status, size int64) int {
	n := 0
	for _, r := range reports {
		for _, f := range r.Files {
			if filepath.Base(f.Path) == name && f.Status == s && (size < 0 || f.Size == size) {
				n++
			}
		}
	}
	return n
}

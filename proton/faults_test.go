package proton

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// putBackup stores data as name through d and returns the entry or the
// error of Create, Write or Commit.
func putBackup(ctx context.Context, d destinations.Destination, name string, data []byte) (destinations.Entry, error) {
	p, err := d.Create(ctx, name, int64(len(data)))
	if err != nil {
		return destinations.Entry{}, err
	}
	defer p.Abort(ctx)
	if _, err := p.Write(data); err != nil {
		return destinations.Entry{}, err
	}
	return p.Commit(ctx, destinationtest.SameBytes(data))
}

// putDirect stores data as name in d's folder (made by d if need be),
// published under the final name at once, as the bridge's own upload
// stores a file, and returns its link ID: a quick way to set up an
// existing backup. The server makes the file (see
// protontest.TestServer.MakeFile), sparing the bridge's key derivations
// for a file that is not what the test is about.
func putDirect(t *testing.T, f *fakeProton, d *Destination, name string, data []byte) string {
	t.Helper()
	folderID, err := d.folder(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	return f.ts.MakeFile(folderID, name, data, time.Now())
}

// TestFaults injects each fault of the fake server into an upload next to
// an older backup. A fault the client can ride out (one 429 or 503, a
// dropped connection) must end in a backup that reads back identical; one
// it cannot must end in the expected one-line error, with nothing left on
// the Drive but the older backup, unchanged.
//
// Faults are server-wide, so each case has a server of its own, and the
// cases run at once: most of a case is waiting, on the bridge's pause
// after the rename or on go-proton-api's retries (it waits Retry-After
// plus 0 to 9 s of random jitter before each retry of a 429 or 503:
// catchRetryAfter in its response.go, with math/rand, which a test cannot
// steer), and the test takes as long as its slowest case, not as a chain
// of them. So each case meets at most one 429 or 503 that is retried.
func TestFaults(t *testing.T) {
	t.Parallel()
	const size = 2*4<<20 + 777 // Three blocks.
	cases := []struct {
		name    string
		inject  func(s *protontest.Server)
		wantErr error // nil: the backup must succeed
	}{
		{
			name:   "one 429 on block request is retried",
			inject: func(s *protontest.Server) { s.FailNext(protontest.RouteRequestBlockUpload, 1, 429, time.Second) },
		},
		{
			name:   "one 503 on file creation is retried",
			inject: func(s *protontest.Server) { s.FailNext(protontest.RouteCreateFile, 1, 503, 0) },
		},
		{
			name:   "one 500 while downloading to verify is retried",
			inject: func(s *protontest.Server) { s.FailNext(protontest.RouteDownloadBlock, 1, 500, 0) },
		},
		{
			name:   "connection dropped mid-block is retried",
			inject: func(s *protontest.Server) { s.DropBlockUploadAfter(100<<10, 2) },
		},
		{
			name: "429 on the last try is a rate limit error",
			// go-proton-api tries 4 times in all, and its last try's
			// answer is the error. The first three end in a dropped
			// connection, which it retries within a fraction of a
			// second; three 429s would cost 0 to 27 s of its random
			// jitter, and "one 429 on block request is retried" shows
			// that it retries a 429.
			inject: func(s *protontest.Server) {
				s.HangUpNext(protontest.RouteRequestBlockUpload, 3)
				s.FailNext(protontest.RouteRequestBlockUpload, 1, 429, 0)
			},
			wantErr: ErrRateLimited,
		},
		{
			name: "500 on every download to verify",
			// 3 downloads of 4 tries each.
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteDownloadBlock, 12, 500, 0) },
			wantErr: ErrServer,
		},
		{
			name:    "500 on block upload",
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteUploadBlock, 1, 500, 0) },
			wantErr: ErrServer,
		},
		{
			name:    "500 on revision commit",
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteCommitRevision, 1, 500, 0) },
			wantErr: ErrServer,
		},
		{
			name:    "500 on the final rename",
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteMoveLink, 1, 500, 0) },
			wantErr: ErrServer,
		},
		{
			name:    "connection dropped mid-block on every try",
			inject:  func(s *protontest.Server) { s.DropBlockUploadAfter(100<<10, 1000) },
			wantErr: ErrNetwork,
		},
		{
			name:    "quota exceeded",
			inject:  func(s *protontest.Server) { s.SetQuota(6 << 20) },
			wantErr: destinations.ErrNoSpace,
		},
	}
	// One payload for every case: each case stores it on a server of
	// its own, and only reads it.
	payload := wallettest.RandomBytes(t, size)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runFault(t, newFakeProton(t), payload, tc.inject, tc.wantErr)
		})
	}
}

// runFault stores an older backup, injects a fault and stores payload as
// a newer one, and checks the outcome.
func runFault(t *testing.T, f *fakeProton, payload []byte, inject func(*protontest.Server), wantErr error) {
	ctx := context.Background()
	d := f.madeDest(t)
	older := []byte("an older backup that must survive")
	putDirect(t, f, d, "older", older)
	before := f.residue(t, d)

	inject(f.srv)
	e, err := putBackup(ctx, d, "newer", payload)
	f.srv.SetQuota(-1)
	f.srv.DropBlockUploadAfter(0, 0)

	if wantErr == nil {
		if err != nil {
			t.Fatalf("backup failed: %v", err)
		}
		if got := destinationtest.ReadAll(t, d, e.Name); !bytes.Equal(got, payload) {
			t.Fatal("backup does not read back identical")
		}
	} else {
		if !errors.Is(err, wantErr) {
			t.Fatalf("backup error = %v, want %v", err, wantErr)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("error is not one line: %q", err)
		}
		if after := f.residue(t, d); !slices.Equal(before, after) {
			t.Fatalf("failed upload left %v on the Drive (before: %v)", after, before)
		}
		list, err := d.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Name != "older" {
			t.Fatalf("List after failure = %v, want only the older backup", list)
		}
	}
	if got := destinationtest.ReadAll(t, d, "older"); !bytes.Equal(got, older) {
		t.Fatal("the older backup changed")
	}
}

// checkCancelLeavesNothing: a backup cancelled mid-upload (Ctrl-C) is
// removed from the Drive even though its context is done.
func checkCancelLeavesNothing(t *testing.T, f *fakeProton) {
	d := f.madeDest(t)
	putDirect(t, f, d, "older", []byte("older"))
	before := f.residue(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := d.Create(ctx, "cancelled", -1)
	if err != nil {
		t.Fatal(err)
	}
	chunk := wallettest.RandomBytes(t, 1<<20)
	for range 9 {
		if _, err := p.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	var werr error
	for range 64 {
		if _, werr = p.Write(chunk); werr != nil {
			break
		}
	}
	if werr == nil {
		t.Fatal("writes go on succeeding after the context was cancelled")
	}
	if _, err := p.Commit(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit after cancel = %v, want context.Canceled", err)
	}
	if err := p.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if after := f.residue(t, d); !slices.Equal(before, after) {
		t.Fatalf("cancelled upload left %v (before: %v)", after, before)
	}
}

// checkStaleUploadsRemoved: temporary uploads, drafts and active files,
// left by runs that died are removed, and counted, by the next backup to
// the folder; those of a process still running on this host, or young
// ones of another host, are left alone until they are old. A folder not
// made yet has nothing to reclaim and is not made.
func checkStaleUploadsRemoved(t *testing.T, f *fakeProton) {
	ctx := context.Background()
	d := f.newDest(t)
	if got, err := d.Reclaim(ctx); err != nil || got != (destinations.Reclaimed{}) {
		t.Fatalf("Reclaim of a folder not made yet = %+v, %v; want nothing", got, err)
	}
	if _, err := d.folder(ctx, false); !errors.Is(err, destinations.ErrNotFound) {
		t.Fatalf("after Reclaim, the folder: %v, want not made", err)
	}
	putDirect(t, f, d, "kept", []byte("a backup"))
	self, dead, now := d.leftovers.self, deadPID(t), time.Now().Unix()
	temp := func(w uploadWriter, random string) string { return ".kept" + uploadingMarker + w.tag() + "-" + random }
	removed := map[string]bool{} // link ID: whether the next backup removes it
	for _, c := range []struct {
		name string
		made time.Duration // how long ago Proton made the link, by its clock
		gone bool
	}{
		// this host, process gone
		{temp(uploadWriter{self.host, dead, now}, "0011223344556677"), 0, true},
		// this host, still running
		{temp(uploadWriter{self.host, os.Getppid(), now}, "0011223344556677"), 0, false},
		// another host, young
		{temp(uploadWriter{"0badc0de", dead, now}, "0011223344556677"), 0, false},
		// another host, old
		{temp(uploadWriter{"0badc0de", dead, now - 13*3600}, "0011223344556677"), 13 * time.Hour, true},
		// Another host whose clock is 13 hours behind: its START says old,
		// Proton's clock says it began now. A live upload: left alone.
		{temp(uploadWriter{"0badc0de", dead, now - 13*3600}, "8899aabbccddeeff"), 0, false},
		{".kept" + uploadingMarker + "0011223344556677", 0, false}, // the older form, young
	} {
		id := putDirect(t, f, d, c.name, []byte("left by a crash"))
		if c.made > 0 {
			if err := f.srv.SetCreateTime(id, time.Now().Add(-c.made)); err != nil {
				t.Fatal(err)
			}
		}
		removed[id] = c.gone
	}
	// A draft: the run died while the bridge was uploading.
	folderID, err := d.folder(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	draft := temp(uploadWriter{self.host, dead, now}, "8899aabbccddeeff")
	broken := io.MultiReader(bytes.NewReader(wallettest.RandomBytes(t, 5<<20)), iotest.ErrReader(errors.New("the run died")))
	if _, _, err := d.drive.bridge.UploadFileByReader(ctx, folderID, draft, time.Now(), broken, 0); err == nil {
		t.Fatal("an upload from a failing reader succeeded")
	}
	if list, err := d.List(ctx); err != nil || len(list) != 1 || list[0].Name != "kept" {
		t.Fatalf("List = %v, %v; want only the backup, not the temporary uploads", list, err)
	}
	before := f.residue(t, d)
	drafts := 0
	for _, r := range before {
		if _, state, _ := strings.Cut(r, " "); state == fmt.Sprint(int(protonapi.LinkStateDraft)) {
			drafts++
		}
	}
	if len(before) != 8 || drafts != 1 {
		t.Fatalf("residue = %v, want the backup, six temporary uploads and a draft", before)
	}

	// The next backup reclaims first (as the job package does), and
	// says what it removed.
	nextBackup := func(wantFiles int) []string {
		t.Helper()
		got, err := d.Reclaim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Files != wantFiles || got.Bytes <= 0 {
			t.Errorf("Reclaim = %+v, want %d files and their size", got, wantFiles)
		}
		p, err := d.Create(ctx, "next", -1)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Abort(ctx); err != nil {
			t.Fatal(err)
		}
		return f.residue(t, d)
	}
	after := nextBackup(3)
	left := map[string]bool{}
	for _, r := range after {
		id, state, _ := strings.Cut(r, " ")
		left[id] = true
		if state == fmt.Sprint(int(protonapi.LinkStateDraft)) {
			t.Errorf("the draft of a dead run is still there: %v", after)
		}
	}
	for id, gone := range removed {
		if left[id] == gone {
			t.Errorf("link %s: removed = %v, want %v", id, !gone, gone)
		}
	}
	// Once old enough, every temporary upload goes.
	d.leftovers.maxAge = 0
	if got := nextBackup(4); len(got) != 1 {
		t.Fatalf("residue = %v, want only the backup", got)
	}
	if got := destinationtest.ReadAll(t, d, "kept"); string(got) != "a backup" {
		t.Fatal("the backup changed")
	}
}

// deadPID returns the PID of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run a process: %v", err)
	}
	return cmd.Process.Pid
}

// TestWrongDataIsNotRetried: a backup whose stored bytes at Proton Drive
// do not match their hash (a block changed on the server's disk) fails at
// once, as damaged, after one download, not after the retries a server
// error or a broken connection gets: the same bytes would come again.
func TestWrongDataIsNotRetried(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := newFakeProtonWith(t, protontest.WithOptions(protontest.Options{DataDir: dir}))
	d := f.madeDest(t)
	ctx := context.Background()
	putDirect(t, f, d, "damaged", wallettest.RandomBytes(t, 1000))
	blocks, err := os.ReadDir(dir + "/blocks")
	if err != nil || len(blocks) != 1 {
		t.Fatalf("the data dir holds %d blocks (%v), want 1", len(blocks), err)
	}
	path := dir + "/blocks/" + blocks[0].Name()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	before := f.srv.Calls(protontest.RouteDownloadBlock)
	r, err := d.Open(ctx, "damaged")
	if err == nil {
		r.Close()
		t.Fatal("a backup with a changed block opened")
	}
	if !errors.Is(err, ErrDamagedDownload) {
		t.Fatalf("Open = %v, want ErrDamagedDownload", err)
	}
	if got := f.srv.Calls(protontest.RouteDownloadBlock) - before; got != 1 {
		t.Errorf("the block was downloaded %d times, want once", got)
	}
}

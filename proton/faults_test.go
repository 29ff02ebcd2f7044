package proton

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
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

// putDirect stores data as name in d's folder with the bridge's own
// upload, which publishes under the final name at once: a quick way to
// set up an existing backup.
func putDirect(t *testing.T, d *Destination, name string, data []byte) {
	t.Helper()
	ctx := context.Background()
	folderID, err := d.folder(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.drive.bridge.UploadFileByReader(ctx, folderID, name, time.Now(), bytes.NewReader(data), 0); err != nil {
		t.Fatal(err)
	}
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFaults injects each fault of the fake server into an upload next to
// an older backup. A fault the client can ride out (one 429 or 503, a
// dropped connection) must end in a backup that reads back identical; one
// it cannot must end in the expected one-line error, with nothing left on
// the Drive but the older backup, unchanged.
//
// Faults are server-wide, so the cases run one after another, in two
// groups with a server each; every case uses up exactly the faults it
// queues, or resets them.
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
			name: "429 on every try is a rate limit error",
			// go-proton-api tries 4 times in all.
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteRequestBlockUpload, 4, 429, 0) },
			wantErr: ErrRateLimited,
		},
		{
			name:   "one 503 on file creation is retried",
			inject: func(s *protontest.Server) { s.FailNext(protontest.RouteCreateFile, 1, 503, 0) },
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
			name:   "one 500 while downloading to verify is retried",
			inject: func(s *protontest.Server) { s.FailNext(protontest.RouteDownloadBlock, 1, 500, 0) },
		},
		{
			name: "500 on every download to verify",
			// 3 downloads of 4 tries each.
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteDownloadBlock, 12, 500, 0) },
			wantErr: ErrServer,
		},
		{
			name:    "500 on the final rename",
			inject:  func(s *protontest.Server) { s.FailNext(protontest.RouteMoveLink, 1, 500, 0) },
			wantErr: ErrServer,
		},
		{
			name:   "connection dropped mid-block is retried",
			inject: func(s *protontest.Server) { s.DropBlockUploadAfter(100<<10, 2) },
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
	for group := range 2 {
		t.Run(fmt.Sprintf("group%d", group), func(t *testing.T) {
			t.Parallel()
			f := newFakeProton(t)
			for i, tc := range cases {
				if i%2 != group {
					continue
				}
				t.Run(tc.name, func(t *testing.T) { runFault(t, f, size, tc.inject, tc.wantErr) })
			}
		})
	}
}

// runFault stores an older backup, injects a fault and stores a newer
// one, and checks the outcome.
func runFault(t *testing.T, f *fakeProton, size int, inject func(*protontest.Server), wantErr error) {
	ctx := context.Background()
	d := f.newDest(t)
	older := []byte("an older backup that must survive")
	putDirect(t, d, "older", older)
	before := f.residue(t, d)
	payload := randomBytes(t, size)

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
	d := f.newDest(t)
	putDirect(t, d, "older", []byte("older"))
	before := f.residue(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := d.Create(ctx, "cancelled", -1)
	if err != nil {
		t.Fatal(err)
	}
	chunk := randomBytes(t, 1<<20)
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

// checkStaleUploadsRemoved: a temporary upload left by a crashed run is
// removed by a later backup once it is old, and not while it may still be
// another machine's upload in progress.
func checkStaleUploadsRemoved(t *testing.T, f *fakeProton) {
	ctx := context.Background()
	d := f.newDest(t)
	putDirect(t, d, "kept", []byte("a backup"))
	putDirect(t, d, ".kept.uploading-0011223344556677", []byte("left by a crash"))
	if list, err := d.List(ctx); err != nil || len(list) != 1 || list[0].Name != "kept" {
		t.Fatalf("List = %v, %v; want only the backup, not the temporary upload", list, err)
	}
	withLeftover := f.residue(t, d)
	if len(withLeftover) != 2 {
		t.Fatalf("residue = %v, want the backup and the leftover", withLeftover)
	}
	for _, tc := range []struct {
		staleAfter time.Duration
		want       int
	}{
		{time.Hour, 2}, // Young: kept.
		{0, 1},         // Old: removed.
	} {
		d.staleAfter = tc.staleAfter
		p, err := d.Create(ctx, "next", -1)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Abort(ctx); err != nil {
			t.Fatal(err)
		}
		if got := f.residue(t, d); len(got) != tc.want {
			t.Fatalf("staleAfter %v: residue %v, want %d links", tc.staleAfter, got, tc.want)
		}
	}
	if got := destinationtest.ReadAll(t, d, "kept"); string(got) != "a backup" {
		t.Fatal("the backup changed")
	}
}

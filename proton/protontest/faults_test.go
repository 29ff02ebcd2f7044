package protontest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/rclone/go-proton-api"
)

// draftAndActiveFiles counts file links by state.
func draftAndActiveFiles(d StoredData) (drafts, active int) {
	for _, l := range d.Links {
		if l.Type != proton.LinkTypeFile {
			continue
		}
		switch l.State {
		case proton.LinkStateDraft:
			drafts++
		case proton.LinkStateActive:
			active++
		}
	}
	return drafts, active
}

// TestFaultRetried: go-proton-api retries 429 and 503 after Retry-After
// (plus up to 9 s of jitter), so one such reply on a JSON route does not
// fail the upload; the server sees the retry.
func TestFaultRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		route  string
		status int
	}{
		{RouteRequestBlockUpload, http.StatusTooManyRequests},
		{RouteCreateFile, http.StatusTooManyRequests},
		{RouteCommitRevision, http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.route, func(t *testing.T) {
			t.Parallel()
			ts := NewForTest(t)
			srv := ts.Server
			ctx := context.Background()
			drive := sessionBridge(t, ctx, sessionConfig(t, ts))
			data := wallettest.RandomBytes(t, 50_000)

			srv.FailNext(tc.route, 1, tc.status, 0)
			id := upload(t, ctx, drive, drive.RootLink.LinkID, "retried.cake", data)
			if got := srv.Calls(tc.route); got != 2 {
				t.Errorf("server saw %d calls of %s, want 2 (the failure and the retry)", got, tc.route)
			}
			if got := download(t, ctx, drive, id); !bytes.Equal(got, data) {
				t.Fatal("download after a retried upload differs")
			}
		})
	}
}

// TestFaultNotRetried: errors go-proton-api does not retry surface from the
// bridge as *proton.APIError with the server's status and code, and leave
// what the real service would leave behind.
func TestFaultNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		route      string
		status     int
		wantDrafts int // draft file links left behind
	}{
		// The draft was created; nothing cleans it up.
		{"500 on commit", RouteCommitRevision, http.StatusInternalServerError, 1},
		{"502 on block request", RouteRequestBlockUpload, http.StatusBadGateway, 1},
		// Nothing was created.
		{"500 on create file", RouteCreateFile, http.StatusInternalServerError, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := NewForTest(t)
			srv := ts.Server
			ctx := context.Background()
			drive := sessionBridge(t, ctx, sessionConfig(t, ts))

			srv.FailNext(tc.route, 1, tc.status, 0)
			_, _, err := drive.UploadFileByReader(ctx, drive.RootLink.LinkID, "f.cake", time.Now(), bytes.NewReader([]byte("data")), 0)
			var apiErr *proton.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != tc.status {
				t.Fatalf("upload error = %v, want an APIError with status %d", err, tc.status)
			}
			if got := srv.Calls(tc.route); got != 1 {
				t.Errorf("server saw %d calls of %s, want 1 (no retry)", got, tc.route)
			}
			drafts, active := draftAndActiveFiles(stored(t, srv))
			if drafts != tc.wantDrafts || active != 0 {
				t.Fatalf("left %d drafts and %d active files, want %d and 0", drafts, active, tc.wantDrafts)
			}
		})
	}
}

// TestFaultDroppedBlockUpload: when the connection drops half-way through
// a block upload, go-proton-api retries, but the multipart body's reader
// is already consumed, so the retry sends a block that does not match its
// announced size and hash. The fake (like a storage server checking the
// hash) refuses it, the upload fails and a draft link is left behind;
// uploading again with ReplaceExistingDraft replaces the draft.
func TestFaultDroppedBlockUpload(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	cfg := sessionConfig(t, ts)
	drive := sessionBridge(t, ctx, cfg)
	root := drive.RootLink.LinkID
	data := wallettest.RandomBytes(t, 200_000)

	srv.DropBlockUploadAfter(64<<10, 1)
	_, _, err := drive.UploadFileByReader(ctx, root, "dropped.cake", time.Now(), bytes.NewReader(data), 0)
	if err == nil {
		t.Fatal("upload over a dropped connection succeeded")
	}
	if got := srv.Calls(RouteUploadBlock); got != 2 {
		t.Errorf("server saw %d block uploads, want 2 (dropped, then the bad retry)", got)
	}
	d := stored(t, srv)
	if drafts, active := draftAndActiveFiles(d); drafts != 1 || active != 0 {
		t.Fatalf("left %d drafts and %d active files, want 1 draft", drafts, active)
	}
	if len(d.Blocks) != 0 {
		t.Fatalf("server kept %d blocks of the failed upload", len(d.Blocks))
	}

	cfg.ReplaceExistingDraft = true
	id := upload(t, ctx, drive, root, "dropped.cake", data)
	if got := download(t, ctx, drive, id); !bytes.Equal(got, data) {
		t.Fatal("download after replacing the draft differs")
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	root := drive.RootLink.LinkID

	srv.SetLatency(300 * time.Millisecond)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := drive.ListDirectory(short, root); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("list with a deadline shorter than the latency: %v, want DeadlineExceeded", err)
	}
	if _, err := drive.ListDirectory(ctx, root); err != nil {
		t.Fatalf("list with latency and no deadline: %v", err)
	}
	srv.SetLatency(0)
}

func TestFaultQuota(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	root := drive.RootLink.LinkID

	srv.SetQuota(1 << 20)
	_, _, err := drive.UploadFileByReader(ctx, root, "too-big.cake", time.Now(), bytes.NewReader(wallettest.RandomBytes(t, 2<<20)), 0)
	var apiErr *proton.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != CodeQuotaExceeded || apiErr.Status != http.StatusUnprocessableEntity {
		t.Fatalf("upload over quota: %v, want 422 with code %d", err, CodeQuotaExceeded)
	}
	d := stored(t, srv)
	if drafts, active := draftAndActiveFiles(d); drafts != 1 || active != 0 || len(d.Blocks) != 0 {
		t.Fatalf("over-quota upload left %d drafts, %d active files and %d blocks; want 1, 0, 0", drafts, active, len(d.Blocks))
	}

	small := wallettest.RandomBytes(t, 100_000)
	id := upload(t, ctx, drive, root, "small.cake", small)
	if got := download(t, ctx, drive, id); !bytes.Equal(got, small) {
		t.Fatal("download under quota differs")
	}

	volumes, err := apiClient(t, ts).ListVolumes(ctx)
	if err != nil || len(volumes) != 1 {
		t.Fatalf("volumes: %d, %v", len(volumes), err)
	}
	v := volumes[0]
	if v.MaxSpace == nil || *v.MaxSpace != 1<<20 {
		t.Errorf("volume MaxSpace = %v, want 1 MiB", v.MaxSpace)
	}
	if v.UsedSpace <= int64(len(small)) || v.UsedSpace > int64(len(small))+4096 {
		t.Errorf("volume UsedSpace = %d, want the encrypted size of %d bytes", v.UsedSpace, len(small))
	}
}

// TestFaultBlockDownload: go-proton-api's GetBlock ignores the HTTP status,
// so a failed block download reaches the bridge as block data; it fails to
// decrypt and the download returns an error instead of wrong bytes.
func TestFaultBlockDownload(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	data := wallettest.RandomBytes(t, 10_000)
	id := upload(t, ctx, drive, drive.RootLink.LinkID, "f.cake", data)

	srv.FailNext(RouteDownloadBlock, 1, http.StatusInternalServerError, 0)
	r, _, _, err := drive.DownloadFileByID(ctx, id, 0)
	if err == nil {
		got, readErr := io.ReadAll(r)
		_ = r.Close()
		if readErr == nil {
			t.Fatalf("download during a storage failure returned %d bytes and no error", len(got))
		}
	}
	if got := srv.Calls(RouteDownloadBlock); got != 1 {
		t.Errorf("server saw %d block downloads, want 1", got)
	}
	if got := download(t, ctx, drive, id); !bytes.Equal(got, data) {
		t.Fatal("download after the failure differs")
	}
}

// TestUserSpace: the user the bridge's About reads (GET /core/v4/users)
// reports in UsedSpace the bytes the account's drive stores, as the
// volume does, and the quota in MaxSpace (0 without one): it grows with
// an upload, stays while the file is in the trash and falls back to 0
// once the trash is emptied.
func TestUserSpace(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	space := func() (used, limit int64) {
		t.Helper()
		u, err := drive.About(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return u.UsedSpace, u.MaxSpace
	}
	if used, limit := space(); used != 0 || limit != 0 {
		t.Fatalf("empty drive: UsedSpace %d, MaxSpace %d; want 0, 0", used, limit)
	}

	data := wallettest.RandomBytes(t, 100_000)
	id := upload(t, ctx, drive, drive.RootLink.LinkID, "a.cake", data)
	srv.SetQuota(10 << 20)
	used, limit := space()
	volumes, err := apiClient(t, ts).ListVolumes(ctx)
	if err != nil || len(volumes) != 1 {
		t.Fatalf("volumes: %d, %v", len(volumes), err)
	}
	if used != volumes[0].UsedSpace || used <= int64(len(data)) || used > int64(len(data))+4096 {
		t.Errorf("after an upload: UsedSpace %d, want the volume's %d, the encrypted size of %d bytes", used, volumes[0].UsedSpace, len(data))
	}
	if limit != 10<<20 {
		t.Errorf("MaxSpace %d, want the quota %d", limit, 10<<20)
	}

	if err := drive.MoveFileToTrashByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if trashed, _ := space(); trashed != used {
		t.Errorf("in the trash: UsedSpace %d, want %d still", trashed, used)
	}
	if err := drive.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	srv.SetQuota(-1)
	if used, limit := space(); used != 0 || limit != 0 {
		t.Errorf("after emptying the trash, no quota: UsedSpace %d, MaxSpace %d; want 0, 0", used, limit)
	}
}

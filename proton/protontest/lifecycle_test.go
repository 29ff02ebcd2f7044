package protontest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	bridge "github.com/rclone/Proton-API-Bridge"
	"github.com/rclone/go-proton-api"
)

// blockSize is the bridge's UPLOAD_BLOCK_SIZE.
const blockSize = 4 << 20

func upload(t testing.TB, ctx context.Context, drive *bridge.ProtonDrive, parentID, name string, data []byte) string {
	t.Helper()
	id, _, err := drive.UploadFileByReader(ctx, parentID, name, time.Unix(1_700_000_000, 0), bytes.NewReader(data), 0)
	if err != nil {
		t.Fatalf("upload %q: %v", name, err)
	}
	return id
}

func download(t testing.TB, ctx context.Context, drive *bridge.ProtonDrive, linkID string) []byte {
	t.Helper()
	r, _, _, err := drive.DownloadFileByID(ctx, linkID, 0)
	if err != nil {
		t.Fatalf("download %s: %v", linkID, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read download %s: %v", linkID, err)
	}
	return b
}

func listNames(t testing.TB, ctx context.Context, drive *bridge.ProtonDrive, folderID string) []string {
	t.Helper()
	entries, err := drive.ListDirectory(ctx, folderID)
	if err != nil {
		t.Fatalf("list %s: %v", folderID, err)
	}
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name)
	}
	sort.Strings(names)
	return names
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func stored(t testing.TB, srv *Server) StoredData {
	t.Helper()
	d, err := srv.Stored()
	if err != nil {
		t.Fatalf("Stored: %v", err)
	}
	return d
}

func blocksOf(d StoredData, linkID string) int {
	n := 0
	for _, b := range d.Blocks {
		if b.LinkID == linkID {
			n++
		}
	}
	return n
}

func TestBridgeFileLifecycle(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	root := drive.RootLink.LinkID

	folderID, err := drive.CreateNewFolderByID(ctx, root, "Cake Backups")
	if err != nil {
		t.Fatalf("create folder: %v", err)
	}
	if _, err := drive.CreateNewFolderByID(ctx, root, "Cake Backups"); !errors.Is(err, proton.ErrFolderNameExist) {
		t.Fatalf("second folder with the same name: got %v, want ErrFolderNameExist", err)
	}

	big := wallettest.RandomBytes(t, 3*blockSize+123_457) // 4 blocks
	bigID := upload(t, ctx, drive, folderID, "wallet-2026-11-25.cake", big)
	emptyID := upload(t, ctx, drive, folderID, "empty.cake", nil)

	if got, want := listNames(t, ctx, drive, folderID), []string{"empty.cake", "wallet-2026-11-25.cake"}; !equalStrings(got, want) {
		t.Fatalf("folder lists %q, want %q", got, want)
	}
	if got := download(t, ctx, drive, bigID); !bytes.Equal(got, big) {
		t.Fatalf("multi-block download differs: got %d bytes, want %d", len(got), len(big))
	}
	if got := download(t, ctx, drive, emptyID); len(got) != 0 {
		t.Fatalf("zero-byte download returned %d bytes", len(got))
	}

	d := stored(t, srv)
	if n := blocksOf(d, bigID); n != 4 {
		t.Errorf("server holds %d blocks for the big file, want 4", n)
	}
	if n := blocksOf(d, emptyID); n != 0 {
		t.Errorf("server holds %d blocks for the empty file, want 0", n)
	}
	for _, secret := range [][]byte{big[:64], big[2*blockSize : 2*blockSize+64], []byte("wallet-2026-11-25.cake"), []byte("Cake Backups"), []byte(testPassword)} {
		if d.Contains(secret) {
			t.Errorf("plaintext %q reached the server", secret[:min(len(secret), 24)])
		}
	}

	// A second upload under the same name becomes a new revision.
	newer := wallettest.RandomBytes(t, blockSize+1)
	if id := upload(t, ctx, drive, folderID, "wallet-2026-11-25.cake", newer); id != bigID {
		t.Fatalf("new revision went to link %s, want %s", id, bigID)
	}
	if got := download(t, ctx, drive, bigID); !bytes.Equal(got, newer) {
		t.Fatal("download after new revision does not return the new content")
	}
	link, err := drive.GetLink(ctx, bigID)
	if err != nil {
		t.Fatal(err)
	}
	revs, err := drive.GetRevisions(ctx, link, proton.RevisionStateObsolete)
	if err != nil || len(revs) != 1 {
		t.Fatalf("obsolete revisions: %d, %v; want 1", len(revs), err)
	}

	// Move (and rename) the empty file to the root.
	if err := drive.MoveFileByID(ctx, emptyID, root, "moved.cake"); err != nil {
		t.Fatalf("move: %v", err)
	}
	if got, want := listNames(t, ctx, drive, root), []string{"Cake Backups", "moved.cake"}; !equalStrings(got, want) {
		t.Fatalf("root lists %q after move, want %q", got, want)
	}
	if got, want := listNames(t, ctx, drive, folderID), []string{"wallet-2026-11-25.cake"}; !equalStrings(got, want) {
		t.Fatalf("folder lists %q after move, want %q", got, want)
	}

	// Trash, then empty the trash: the blocks are gone from the server.
	if err := drive.MoveFileToTrashByID(ctx, bigID); err != nil {
		t.Fatalf("trash: %v", err)
	}
	if got := listNames(t, ctx, drive, folderID); len(got) != 0 {
		t.Fatalf("folder lists %q after trash, want nothing", got)
	}
	if n := blocksOf(stored(t, srv), bigID); n == 0 {
		t.Fatal("trashed file's blocks vanished before the trash was emptied")
	}
	if err := drive.EmptyTrash(ctx); err != nil {
		t.Fatalf("empty trash: %v", err)
	}
	if n := blocksOf(stored(t, srv), bigID); n != 0 {
		t.Fatalf("%d blocks of the deleted file remain after emptying the trash", n)
	}

	// Delete everything the way the bridge's own tests clean up.
	if err := drive.EmptyRootFolder(ctx); err != nil {
		t.Fatalf("empty root folder: %v", err)
	}
	if err := drive.EmptyTrash(ctx); err != nil {
		t.Fatalf("empty trash: %v", err)
	}
	if got := listNames(t, ctx, drive, root); len(got) != 0 {
		t.Fatalf("root lists %q after deleting everything", got)
	}
	d = stored(t, srv)
	if len(d.Links) != 1 || len(d.Blocks) != 0 || len(d.Revisions) != 0 {
		t.Fatalf("server still holds %d links, %d revisions, %d blocks; want only the root", len(d.Links), len(d.Revisions), len(d.Blocks))
	}
}

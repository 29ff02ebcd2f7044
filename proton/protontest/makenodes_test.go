package protontest

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/rclone/go-proton-api"
)

// TestMakeFolders: folders MakeFolders makes are folders like the
// bridge's to the bridge: it lists their names (checking the signatures),
// finds them by name hash (a folder of the same name is refused), makes a
// folder in one and stores a file there that reads back. MakeFolders makes
// only what is missing, whoever made the rest, and the keys it stores are
// locked the cheap way.
func TestMakeFolders(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	ctx := context.Background()
	cake := ts.MakeFolders("/Backups/cake")
	if again := ts.MakeFolders("Backups/cake/"); again != cake {
		t.Fatalf("MakeFolders again made %s, want the folder %s it made before", again, cake)
	}
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	root := drive.RootLink.LinkID
	if got := listNames(t, ctx, drive, root); !equalStrings(got, []string{"Backups"}) {
		t.Fatalf("root lists %q, want [Backups]", got)
	}
	if _, err := drive.CreateNewFolderByID(ctx, root, "Backups"); !errors.Is(err, proton.ErrFolderNameExist) {
		t.Fatalf("the bridge's folder of the same name: %v, want ErrFolderNameExist", err)
	}
	backups := ""
	entries, err := drive.ListDirectory(ctx, root)
	if err != nil || len(entries) != 1 {
		t.Fatalf("list root: %v, %v", entries, err)
	}
	backups = entries[0].Link.LinkID
	if got := listNames(t, ctx, drive, backups); !equalStrings(got, []string{"cake"}) {
		t.Fatalf("Backups lists %q, want [cake]", got)
	}

	sub, err := drive.CreateNewFolderByID(ctx, cake, "by the bridge")
	if err != nil {
		t.Fatalf("the bridge makes a folder in a made folder: %v", err)
	}
	data := []byte("a wallet backup")
	file := upload(t, ctx, drive, sub, "b.cake", data)
	if got := download(t, ctx, drive, file); !bytes.Equal(got, data) {
		t.Fatalf("downloaded %q, want %q", got, data)
	}
	if deeper := ts.MakeFolders("/Backups/cake/by the bridge/deeper"); deeper == "" || deeper == sub {
		t.Fatalf("MakeFolders under the bridge's folder returned %q", deeper)
	}
	if got := listNames(t, ctx, drive, sub); !equalStrings(got, []string{"b.cake", "deeper"}) {
		t.Fatalf("the bridge's folder lists %q, want [b.cake deeper]", got)
	}

	keys := map[string]string{}
	for _, l := range stored(t, ts.Server).Links {
		keys[l.LinkID] = l.NodeKey
	}
	for _, id := range []string{backups, cake} {
		if got := s2kCount(t, keys[id]); got != 65536 {
			t.Errorf("a made folder's node key is locked with %d bytes hashed, want 65536", got)
		}
	}
}

// TestMakeFile: a file MakeFile makes is one like the bridge's to the
// bridge: it lists its name, reads its size and modification time from
// the extended attributes, downloads its bytes (several blocks, or none),
// and uploads a new revision to it under the same name.
func TestMakeFile(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	ctx := context.Background()
	folder := ts.MakeFolders("/Backups")
	big := wallettest.RandomBytes(t, blockSize+1000) // 2 blocks
	modTime := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	bigID := ts.MakeFile(folder, "big.cake", big, modTime)
	emptyID := ts.MakeFile(folder, "empty.cake", nil, modTime)

	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	if got := listNames(t, ctx, drive, folder); !equalStrings(got, []string{"big.cake", "empty.cake"}) {
		t.Fatalf("folder lists %q, want [big.cake empty.cake]", got)
	}
	attrs, err := drive.GetActiveRevisionAttrsByID(ctx, bigID)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(big)
	if attrs.Size != int64(len(big)) || !attrs.ModificationTime.Equal(modTime) || len(attrs.BlockSizes) != 2 || attrs.Digests != hex.EncodeToString(sum[:]) {
		t.Fatalf("attributes %+v, want size %d, time %v, 2 blocks, SHA-1 %x", attrs, len(big), modTime, sum)
	}
	if got := download(t, ctx, drive, bigID); !bytes.Equal(got, big) {
		t.Fatalf("downloaded %d bytes, not the %d made", len(got), len(big))
	}
	if got := download(t, ctx, drive, emptyID); len(got) != 0 {
		t.Fatalf("the empty file downloads %d bytes", len(got))
	}
	if n := blocksOf(stored(t, ts.Server), bigID); n != 2 {
		t.Errorf("the server holds %d blocks of the file, want 2", n)
	}
	newer := []byte("a newer revision")
	if id := upload(t, ctx, drive, folder, "big.cake", newer); id != bigID {
		t.Fatalf("the new revision went to link %s, want %s", id, bigID)
	}
	if got := download(t, ctx, drive, bigID); !bytes.Equal(got, newer) {
		t.Fatalf("downloaded %q after the new revision, want %q", got, newer)
	}
}

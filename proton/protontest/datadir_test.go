package protontest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

func TestDataDirHoldsWhatTheServerReceived(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ts := NewForTest(t, WithOptions(Options{DataDir: dir}))
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))

	data := wallettest.RandomBytes(t, blockSize+1000) // 2 blocks
	id := upload(t, ctx, drive, drive.RootLink.LinkID, "on-disk.cake", data)
	if got := download(t, ctx, drive, id); !bytes.Equal(got, data) {
		t.Fatal("download from a data-dir server differs")
	}

	metaPath := filepath.Join(dir, "metadata.json")
	raw, err := os.ReadFile(metaPath)
	if err != nil {
		t.Fatal(err)
	}
	var meta metadata
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatalf("metadata.json: %v", err)
	}
	if l, ok := meta.Links[id]; !ok || l.Link.Size == 0 {
		t.Fatalf("metadata.json lacks the uploaded link")
	}
	if bytes.Contains(raw, []byte("on-disk.cake")) {
		t.Fatal("metadata.json holds the plaintext file name")
	}

	files, err := os.ReadDir(filepath.Join(dir, "blocks"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("blocks dir holds %d files, want 2", len(files))
	}
	for _, f := range append(files, nil) {
		path := metaPath
		if f != nil {
			path = filepath.Join(dir, "blocks", f.Name())
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %o, want 600", path, perm)
		}
		if f == nil {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, data[:64]) || bytes.Contains(b, data[blockSize:blockSize+64]) {
			t.Errorf("block file %s holds plaintext", f.Name())
		}
	}

	// Emptying the trash removes the block files too.
	if err := drive.MoveFileToTrashByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := drive.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(filepath.Join(dir, "blocks")); len(files) != 0 {
		t.Fatalf("%d block files remain after emptying the trash", len(files))
	}
}

func TestNewRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:0", ":0", "nonsense"} {
		if srv, err := New(Options{Addr: addr}); err == nil {
			_ = srv.Close()
			t.Errorf("New(Addr: %q) succeeded", addr)
		}
	}
}

package inbox_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/job"
)

// TestDamagedContainerIsReportedDamaged: an export whose container is
// damaged (bytes after its end) is not shipped, and, unlike a file that is
// no backup (left alone quietly), is named at WARN as not verifying, the
// reason saying the backup is damaged.
func TestDamagedContainerIsReportedDamaged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	f.drop(t, "cake_wallet_backup_damaged", append(appExport(t, "v3", "container"), "junk"...))
	f.drop(t, "photo.zip", zipOf(t, "photo.jpg"))
	var log bytes.Buffer
	in := f.inbox(dest)
	in.Log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	rep := once(t, in)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "file=cake_wallet_backup_damaged") ||
		!strings.Contains(lines[0], "does not verify") || !strings.Contains(lines[0], "the backup is damaged") {
		t.Errorf("log, want one warning saying the export is damaged:\n%s", log.String())
	}
	if s, _ := status(rep, "cake_wallet_backup_damaged"); s != inbox.NotBackup {
		t.Errorf("status %v, want it left alone", s)
	}
	holdsOnly(t, dest)
}

// zipOf returns a ZIP holding one small file called name.
func zipOf(t *testing.T, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err == nil {
		_, err = w.Write([]byte("not a wallet"))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNameNotEveryDestinationStoresFails: an export whose name a FAT
// stick or Proton Drive cannot take fails (it is not shipped under
// another name), is logged naming it, and stays, in this run and the
// next; renamed, it is shipped.
func TestNameNotEveryDestinationStoresFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	export := snapshot(t, "named")
	p := f.drop(t, "export:1", export)
	var log bytes.Buffer
	in := f.inbox(dest)
	in.Log = slog.New(slog.NewTextHandler(&log, nil))
	rep := once(t, in)
	var ne *job.NameError
	if s, _ := status(rep, "export:1"); s != inbox.Failed || !errors.As(rep.Err(), &ne) {
		t.Fatalf("status %v, error %v; want failed with a NameError", s, rep.Err())
	}
	if n := strings.Count(log.String(), "ship failed"); n != 1 || !strings.Contains(log.String(), "export:1") {
		t.Errorf("log, want one failure naming the file:\n%s", log.String())
	}
	rep = once(t, in)
	if s, _ := status(rep, "export:1"); s != inbox.Failed {
		t.Errorf("again: status %v", s)
	}
	holdsOnly(t, dest)
	holdsOnly(t, f.dir, export)
	if err := os.Rename(p, filepath.Join(f.dir, "export-1")); err != nil {
		t.Fatal(err)
	}
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	holdsOnly(t, dest, export)
}

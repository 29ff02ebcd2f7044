package inbox_test

import (
	"archive/zip"
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/inbox"
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

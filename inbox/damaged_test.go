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

// TestDamagedExportIsReportedDamaged: an export that is a backup but is
// damaged (bytes after its container's end, a bit flipped in its data)
// is not shipped, has the status Damaged, and, unlike a file that is no
// backup (left alone quietly), is named at WARN as a damaged backup. One
// that verifies but does not decrypt with the password given is
// NoDecrypt, and said so. A partial copy (its container has no end yet)
// is NotBackup, said at INFO to be cut short; a bare v2 blob that does
// not verify is NotBackup too (damaged or cut short, it cannot tell),
// with a warning saying so.
// The next run neither reads nor notes them again.
func TestDamagedExportIsReportedDamaged(t *testing.T) {
	t.Parallel()
	export := appExport(t, "v3", 0)
	flipped := bytes.Clone(export)
	flipped[len(flipped)/2] ^= 1
	other := snapshot(t, 0)
	v2 := appExport(t, "v2", 0)
	cases := []struct {
		name     string
		file     []byte
		password string
		want     inbox.Status
		// wantLevel and wantLog are the one line's level and what it
		// says; "" for no line at INFO or above.
		wantLevel string
		wantLog   []string
	}{
		{"junk after the container", append(bytes.Clone(export), "junk"...), "", inbox.Damaged, "WARN",
			[]string{"not shipped: a damaged backup (it does not verify)", "the backup is damaged"}},
		{"a bit flipped", flipped, "", inbox.Damaged, "WARN",
			[]string{"not shipped: a damaged backup (it does not verify)", "the file is damaged"}},
		{"another password", other, "not its password", inbox.NoDecrypt, "WARN",
			[]string{"not shipped: it does not verify with the password given", "wrong password"}},
		{"a partial copy", export[:len(export)/2], "", inbox.NotBackup, "INFO",
			[]string{"left alone: not a whole backup yet (cut short)", "cut short"}},
		{"a photo", zipOf(t, "photo.jpg"), "", inbox.NotBackup, "", nil},
		// A bare v2 blob has no length: one cut short and one damaged
		// look alike, and are said to be either.
		{"a v2 blob that does not verify", v2[:len(v2)-7], "", inbox.NotBackup, "WARN",
			[]string{"not shipped: a v2 backup that does not verify (damaged, or not whole yet)", "checksum does not match"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			dest := t.TempDir()
			f.drop(t, "cake_wallet_backup_x", c.file)
			var log bytes.Buffer
			in := f.inbox(dest)
			in.Password = c.password
			in.Log = slog.New(slog.NewTextHandler(&log, nil))
			rep := once(t, in)
			if s, _ := status(rep, "cake_wallet_backup_x"); s != c.want {
				t.Errorf("status %v, want %v", s, c.want)
			}
			if rep.Err() != nil {
				t.Errorf("the pass failed: %v", rep.Err())
			}
			lines := strings.Split(strings.TrimSpace(log.String()), "\n")
			switch {
			case c.wantLevel == "" && log.Len() != 0:
				t.Errorf("log, want nothing at INFO or above:\n%s", log.String())
			case c.wantLevel != "" && (len(lines) != 1 || !strings.Contains(lines[0], "level="+c.wantLevel) || !strings.Contains(lines[0], "file=cake_wallet_backup_x")):
				t.Errorf("log, want one line at %s naming the file:\n%s", c.wantLevel, log.String())
			}
			for _, w := range c.wantLog {
				if !strings.Contains(log.String(), w) {
					t.Errorf("log, want %q:\n%s", w, log.String())
				}
			}
			holdsOnly(t, dest)
			log.Reset()
			if rep := once(t, in); len(rep.Files) != 0 || log.Len() != 0 {
				t.Errorf("the second run looked again at %+v, logged %q", rep.Files, log.String())
			}
		})
	}
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
	export := snapshot(t, 0)
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

package job_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
)

// List tells backups from other files by name, and by content for a
// backup someone renamed.
func TestList(t *testing.T) {
	dir := t.TempDir()
	golden, err := os.ReadFile(filepath.Join("..", "backup", "testdata", "golden", "v3.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"cake_wallet_backup_2026-11-25_010203": []byte("named as the app names them"),
		"renamed.bin":                          golden,
		"notes.txt":                            []byte("not a backup"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := job.List(context.Background(), openFolder(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	names := func(es []destinations.Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(l.Backups), []string{"cake_wallet_backup_2026-11-25_010203", "renamed.bin"}; !slices.Equal(got, want) {
		t.Errorf("backups %q, want %q", got, want)
	}
	if got := names(l.Others); !slices.Equal(got, []string{"notes.txt"}) {
		t.Errorf("others %q, want notes.txt", got)
	}
}

// A file List cannot read to tell whether it is a backup is neither a
// backup nor another file: it is listed as unreadable, with why. Here a
// renamed backup whose name a folder does not open (a backslash), and
// one whose reads fail. They were counted as other files.
func TestListUnreadable(t *testing.T) {
	dir := t.TempDir()
	golden, err := os.ReadFile(filepath.Join("..", "backup", "testdata", "golden", "v3.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`renamed\copy`, "failing reads", "fine"} {
		if err := os.WriteFile(filepath.Join(dir, name), golden, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := job.List(t.Context(), failingReads{Destination: openFolder(t, dir), name: "failing reads"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Backups) != 1 || l.Backups[0].Name != "fine" || len(l.Others) != 0 {
		t.Errorf("backups %v, others %v; want only fine, no others", l.Backups, l.Others)
	}
	var got []string
	for _, u := range l.Unreadable {
		got = append(got, u.Name+": "+u.Err.Error())
	}
	slices.Sort(got)
	want := []string{`failing reads: reading failing reads: read /media/STICK/x: input/output error`, `renamed\copy: backup name "renamed\\copy" must be a plain file name, without / or \`}
	if !slices.Equal(got, want) {
		t.Errorf("unreadable %q, want %q", got, want)
	}
}

// failingReads is a destination whose file called name opens but fails
// to read, as a drive pulled out mid-read does.
type failingReads struct {
	destinations.Destination
	name string
}

func (d failingReads) Open(ctx context.Context, name string) (destinations.Reader, error) {
	r, err := d.Destination.Open(ctx, name)
	if err != nil || name != d.name {
		return r, err
	}
	return eioReader{r}, nil
}

type eioReader struct{ destinations.Reader }

func (eioReader) ReadAt([]byte, int64) (int, error) {
	return 0, &os.PathError{Op: "read", Path: "/media/STICK/x", Err: syscall.EIO}
}

// A Listing's JSON is what ls --json prints: the spec twice, the backups,
// a count of the other files, and each unreadable file's error as text;
// empty lists are [] rather than null.
func TestListingJSON(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		l    job.Listing
		want string
	}{
		{"empty", job.Listing{Dest: "folder:/b", Backups: []destinations.Entry{}},
			`{"dest":"folder:/b","destination":"folder:/b","backups":[],"other_files_ignored":0,"unreadable":[]}`},
		{"full", job.Listing{Dest: "usb:W",
			Backups:    []destinations.Entry{{Name: "a", Size: 3, ModTime: at, Location: "/m/a"}},
			Others:     []destinations.Entry{{Name: "x"}, {Name: "y"}},
			Unreadable: []job.UnreadableEntry{{Entry: destinations.Entry{Name: "c", Size: 9, Location: "/m/c"}, Err: errors.New("no permission")}}},
			`{"dest":"usb:W","destination":"usb:W","backups":[{"name":"a","size":3,"time":"2026-12-01T09:30:00Z","location":"/m/a"}],"other_files_ignored":2,"unreadable":[{"name":"c","location":"/m/c","error":"no permission"}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.l)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("JSON\n%s\nwant\n%s", b, tt.want)
			}
		})
	}
}

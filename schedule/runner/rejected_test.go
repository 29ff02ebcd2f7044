package runner

import (
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestRejectedLabel: schedule prune names a backup it left alone for
// what its check found; one whose read failed (a stick pulled out) is
// unreadable, not damaged nor "not a backup".
func TestRejectedLabel(t *testing.T) {
	readErr := &fs.PathError{Op: "read", Path: "/media/STICK/b", Err: syscall.EIO}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("chunk 0: %w", backup.ErrBadChecksum), "damaged"},
		{fmt.Errorf("f: %w", backup.ErrNotBackup), "not a backup"},
		{&schedule.SumReadError{Err: readErr}, "unreadable"},
		{&backup.ChunkError{Index: 2, Err: fmt.Errorf("reading data.bin: %w", &backup.ReadError{Err: readErr})}, "unreadable"},
		{&backup.ContainerError{Offset: 2000, Reason: "the file ends before its container does", Backup: true, CutShort: true}, "cut short"},
		{&backup.ContainerError{Offset: 20, Reason: "the end of central directory record is missing", Backup: true}, "damaged"},
	} {
		if got := RejectedLabel(tt.err); got != tt.want {
			t.Errorf("RejectedLabel(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestWritePlans: schedule prune's whole text for each destination's
// plan, in a run and in a dry run.
func TestWritePlans(t *testing.T) {
	at := func(loc string) destinations.Entry { return destinations.Entry{Location: loc} }
	plans := []schedule.PrunePlan{
		{
			Keep:     []schedule.Dated{{Entry: at("/media/usb/b3")}, {Entry: at("/media/usb/b2")}},
			Remove:   []schedule.Dated{{Entry: at("/media/usb/b1")}},
			Rejected: []schedule.Rejected{{Entry: at("/media/usb/b0"), Err: fmt.Errorf("chunk 1:\n%w", backup.ErrBadChecksum)}},
		},
		{Keep: []schedule.Dated{{Entry: at("proton:/B/b3")}}},
	}
	tests := []struct {
		dryRun bool
		want   string
	}{
		{false, "keep          /media/usb/b3\n" +
			"keep          /media/usb/b2\n" +
			"deleted       /media/usb/b1\n" +
			"damaged       /media/usb/b0 (chunk 1: " + backup.ErrBadChecksum.Error() + "); left alone\n" +
			"keep          proton:/B/b3\n"},
		{true, "keep          /media/usb/b3\n" +
			"keep          /media/usb/b2\n" +
			"would delete  /media/usb/b1\n" +
			"damaged       /media/usb/b0 (chunk 1: " + backup.ErrBadChecksum.Error() + "); left alone\n" +
			"keep          proton:/B/b3\n"},
	}
	for _, tc := range tests {
		var out strings.Builder
		if err := WritePlans(&out, plans, tc.dryRun); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("dry run %v: wrote\n%s\nwant\n%s", tc.dryRun, out.String(), tc.want)
		}
	}
}

// TestPruningWriteText: schedule prune's whole text of a job without
// keep_* rules, of a watch job, and of one pruned (its plans).
func TestPruningWriteText(t *testing.T) {
	keep := schedule.Retention{KeepLast: 1}
	plans := []schedule.PrunePlan{{Remove: []schedule.Dated{{Entry: destinations.Entry{Location: "/b/b1"}}}}}
	for _, tt := range []struct {
		name string
		p    Pruning
		want string
	}{
		{"no rule", Pruning{Job: schedule.Job{Name: "n"}}, "Job n keeps all its backups (no keep_* rule).\n"},
		{"watch job", Pruning{Job: schedule.Job{Name: "w", Watch: "/d", Retention: keep}},
			"Job w applies its keep_* rules to the exports it shipped each time it ships one.\n"},
		{"pruned", Pruning{Job: schedule.Job{Name: "n", Retention: keep}, Plans: plans}, "deleted       /b/b1\n"},
		{"dry run", Pruning{Job: schedule.Job{Name: "n", Retention: keep}, Plans: plans, DryRun: true}, "would delete  /b/b1\n"},
	} {
		var out strings.Builder
		if err := tt.p.WriteText(&out); err != nil || out.String() != tt.want {
			t.Errorf("%s: %v, wrote\n%s\nwant\n%s", tt.name, err, out.String(), tt.want)
		}
	}
}

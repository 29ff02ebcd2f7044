package check_test

import (
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
)

// TestReportWriteText: check's whole text: a line per backup, why one
// did not pass on one line, and the summary with only what applies.
func TestReportWriteText(t *testing.T) {
	at := func(loc string) destinations.Entry { return destinations.Entry{Location: loc} }
	tests := []struct {
		name string
		r    check.Report
		want string
	}{
		{"nothing there", check.Report{}, "0 backups, 0 read in full\n"},
		{"one unchanged, one read, others ignored", check.Report{
			Results:   []check.Result{{Entry: at("/m/a"), Status: check.Unchanged}, {Entry: at("/m/b c"), Status: check.Verified, Read: true}},
			ReadCount: 1, ReadBytes: 3 << 20, Ignored: 1},
			"unchanged  /m/a\n" +
				"verified   /m/b c\n" +
				"2 backups, 1 read in full (3.0 MiB); 1 other file ignored (not backups)\n"},
		{"a group, failures", check.Report{
			Results: []check.Result{
				{Entry: at("/m/a"), Status: check.Failed, Read: true, Error: "chunk 3:\nbad checksum"},
				{Entry: at("/m/ b"), Status: check.Unreadable, Error: "permission denied"},
				{Entry: at("/m/c"), Status: check.Failed, Error: "failed before"},
			},
			Group: 2, Groups: 7, ReadCount: 1, ReadBytes: 10, Ignored: 2},
			"failed     /m/a (chunk 3: bad checksum)\n" +
				"unreadable /m/ b (permission denied)\n" +
				"failed     /m/c (failed before)\n" +
				"3 backups, 1 read in full (10 B), group 2/7, 2 failed, 1 unreadable; 2 other files ignored (not backups)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := tc.r.WriteText(&out); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%s\nwant\n%s", out.String(), tc.want)
			}
		})
	}
}

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
)

// TestLsAndDestsJSONWhole compares the whole object ls --json and dests
// --json print: keys, their order, the values (times, free space and a
// backup's size, which varies with the time inside it, as placeholders)
// and what is left out.
func TestLsAndDestsJSONWhole(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	data := sampleBackupData(t)
	dir := filepath.Join(c.vars["HOME"], "Downloads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A renamed backup whose name (a backslash) a folder does not open:
	// unreadable.
	for name, b := range map[string][]byte{"b": data, `renamed\copy`: data, "notes.txt": []byte("my notes\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	varying := regexp.MustCompile(`"(time|free_bytes)": ("[^"]*"|\d+)`)
	lsWant := `{
  "dest": "folder:DIR",
  "destination": "folder:DIR",
  "backups": [
    {
      "name": "b",
      "size": "SIZE",
      "time": "VARYING",
      "location": "DIR/b"
    }
  ],
  "other_files_ignored": 1,
  "unreadable": [
    {
      "name": "renamed\\copy",
      "location": "DIR/renamed\\copy",
      "error": "backup name \"renamed\\\\copy\" must be a plain file name, without / or \\"
    }
  ]
}
`
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"ls", "--json", "folder:" + dir}, lsWant},
		{[]string{"ls", "--json"}, lsWant}, // the default: Downloads
		{[]string{"ls", "--json", "folder:" + empty}, `{
  "dest": "folder:EMPTY",
  "destination": "folder:EMPTY",
  "backups": [],
  "other_files_ignored": 0,
  "unreadable": []
}
`},
		{[]string{"dests", "--json"}, `{
  "destinations": [
    {
      "dest": "downloads",
      "spec": "downloads",
      "kind": "downloads",
      "description": "your Downloads folder",
      "path": "DIR",
      "free_bytes": "VARYING"
    }
  ]
}
`},
	} {
		out := wholeJSON(c.mustRun(tt.args...), map[string]string{"DIR": dir, "EMPTY": empty})
		out = varying.ReplaceAllString(out, `"$1": "VARYING"`)
		if out != tt.want {
			t.Errorf("%v printed\n%s\nwant\n%s", tt.args, out, tt.want)
		}
	}
}

// lsJSON is what ls --json prints (job.Listing's JSON), as the tests
// read it back.
type lsJSON struct {
	Dest        string               `json:"dest"`
	Destination string               `json:"destination"`
	Backups     []destinations.Entry `json:"backups"`
	Ignored     int                  `json:"other_files_ignored"`
	Unreadable  []struct {
		Name     string `json:"name"`
		Location string `json:"location"`
		Error    string `json:"error"`
	} `json:"unreadable"`
}

package main

import (
	"runtime"
	"testing"
)

// version --json prints one whole object; go test records no commit.
func TestVersionJSONWhole(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	want := "{\n" +
		`  "version": "` + version + "\",\n" +
		`  "go_version": "` + runtime.Version() + "\",\n" +
		`  "os": "` + runtime.GOOS + "\",\n" +
		`  "arch": "` + runtime.GOARCH + "\"\n" +
		"}\n"
	if out := c.mustRun("version", "--json"); out != want {
		t.Errorf("version --json printed\n%s\nwant\n%s", out, want)
	}
}

package main

import (
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// versionLine names the release, the Go version it was built with, the
// platform and, when the build recorded it, the commit: what a bug report
// needs.
func versionLine() string {
	s := appName + " " + version + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH
	if rev := buildRevision(); rev != "" {
		s += ", commit " + rev
	}
	return s + ")"
}

// buildRevision is the VCS commit go build stamped into the binary (12
// hex digits, "+modified" for a dirty tree), or "".
func buildRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+modified"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + modified
}

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the Go version and the platform",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("json") {
				return writeJSON(e.stdout, versionJSON{
					Version: version, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Commit: buildRevision(),
				})
			}
			_, err := e.stdout.Write([]byte(versionLine() + "\n"))
			return err
		},
	}
}

// versionJSON is what version --json prints.
type versionJSON struct {
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Commit    string `json:"commit,omitempty"`
}

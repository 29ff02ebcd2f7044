// Package buildinfo reads what go build stamped into the running binary
// about its source, for a version line that a bug report can use.
package buildinfo

import "runtime/debug"

// Revision is the VCS commit go build stamped into the binary (12 hex
// digits, "+modified" for a dirty tree), or "" when the build recorded
// none (go run, go test, a build outside a repository).
func Revision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return revision(bi.Settings)
}

// revision is Revision from a build's settings.
func revision(settings []debug.BuildSetting) string {
	var rev, modified string
	for _, s := range settings {
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

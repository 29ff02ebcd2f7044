package buildinfo

import "runtime"

// Info is what a bug report needs to know of the running binary; it is
// also what `cakebackup version --json` prints.
type Info struct {
	// Version is the release.
	Version string `json:"version"`
	// GoVersion is the Go release it was built with (runtime.Version).
	GoVersion string `json:"go_version"`
	// OS and Arch are the platform it was built for.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// Commit is Revision: "" when the build recorded none.
	Commit string `json:"commit,omitempty"`
}

// Of returns the Info of the running binary, released as version.
func Of(version string) Info {
	return Info{Version: version, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Commit: Revision()}
}

// Line is the one-line version of the program called name: "name VERSION
// (GOVERSION, OS/ARCH[, commit COMMIT])".
func (i Info) Line(name string) string {
	s := name + " " + i.Version + " (" + i.GoVersion + ", " + i.OS + "/" + i.Arch
	if i.Commit != "" {
		s += ", commit " + i.Commit
	}
	return s + ")"
}

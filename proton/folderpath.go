package proton

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// maxNameBytes is the longest file or folder name Proton Drive accepts.
const maxNameBytes = 255

// folderPath is a validated folder on the Drive, as the segments under
// the root: proton:/Backups/Cake is {"Backups", "Cake"}, proton:/ is {}.
type folderPath []string

// parseFolderPath parses the argument of a proton: spec. The path is
// absolute from the Drive's root ("My files"); repeated and trailing
// slashes are ignored; "." and ".." are refused rather than resolved, so
// the folder a spec names is plain to see.
func parseFolderPath(arg string) (folderPath, error) {
	if !strings.HasPrefix(arg, "/") {
		return nil, fmt.Errorf("path %q must start with / (e.g. proton:/Backups/Cake)", arg)
	}
	var segs folderPath
	for _, seg := range strings.Split(arg, "/") {
		if seg == "" {
			continue
		}
		if err := checkName(seg); err != nil {
			return nil, fmt.Errorf("path %q: folder %w", arg, err)
		}
		segs = append(segs, seg)
	}
	return segs, nil
}

// String returns the canonical path, "/" for the root.
func (p folderPath) String() string { return "/" + strings.Join(p, "/") }

// checkName checks one file or folder name.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("name is empty")
	case name == "." || name == "..":
		return fmt.Errorf("name %q is not allowed", name)
	case len(name) > maxNameBytes:
		return fmt.Errorf("name is longer than %d bytes", maxNameBytes)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("name %q contains /", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("name %q starts or ends with a space", name)
	}
	for _, r := range name {
		if r == unicode.ReplacementChar || unicode.IsControl(r) {
			return fmt.Errorf("name %q holds a control character or invalid UTF-8", name)
		}
	}
	return nil
}

// checkBackupName checks a backup's name. Names starting with "." are
// kept for uploads in progress, which List hides.
func checkBackupName(name string) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("backup %w", err)
	}
	if strings.HasPrefix(name, ".") {
		return fmt.Errorf("backup name %q starts with \".\", which marks unfinished uploads", name)
	}
	// Room for a "-N" suffix when the name is taken and for the temporary
	// name's prefix and suffix.
	if len(name) > maxNameBytes-len(".")-len(uploadingMarker)-maxWriterTagBytes-len("-")-2*tempIDBytes-len("-9999") {
		return fmt.Errorf("backup name is too long (%d bytes)", len(name))
	}
	return nil
}

// uploadingMarker sits between a backup's name and the writer's tag and a
// random ID in the temporary name it is uploaded under:
// ".NAME.uploading-HOST-PID-START-0a1b2c" (see leftovers.go).
const uploadingMarker = ".uploading-"

// tempIDBytes is the number of random bytes in a temporary name.
const tempIDBytes = 3

// isTemporaryName reports a name of an upload in progress.
func isTemporaryName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, uploadingMarker)
}

// candidateName returns the n-th name to try for a backup called name:
// the name itself, then NAME-2, NAME-3, ... with the suffix before an
// extension, if any ("b.zip" becomes "b-2.zip").
func candidateName(name string, n int) string {
	if n <= 1 {
		return name
	}
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	return fmt.Sprintf("%s-%d%s", stem, n, ext)
}

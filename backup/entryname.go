package backup

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The one rule for names in the inner archive. Collect leaves out (or
// refuses) what breaks it, and Verify and Restore refuse it, so a backup
// create writes is exactly one that restore accepts, on Linux, macOS and
// Windows alike.
const (
	// maxEntryName bounds a whole entry name in bytes; wallet folders
	// hold short paths.
	maxEntryName = 1024
	// maxNameSegment is the longest file or folder name Linux, macOS and
	// Windows all accept (in bytes; Windows counts UTF-16 units, which
	// are never more than bytes).
	maxNameSegment = 255
	// windowsForbidden are the printable characters Windows refuses in
	// names; ':' would also open an alternate data stream.
	windowsForbidden = `<>:"|?*`
)

// entryNameProblem says why name (slash-separated, without the trailing
// slash of a folder entry) cannot be restored on every supported system,
// or returns "" when it can.
func entryNameProblem(name string) string {
	switch {
	case name == "":
		return "has an empty name"
	case len(name) > maxEntryName:
		return fmt.Sprintf("is longer than %d bytes", maxEntryName)
	case !utf8.ValidString(name):
		return "is not valid UTF-8"
	case strings.HasPrefix(name, "/"):
		return "is an absolute path"
	case strings.Contains(name, `\`):
		return "contains a backslash"
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "contains a control character"
	case len(name) >= 2 && name[1] == ':':
		return "starts with a drive letter"
	case strings.ContainsAny(name, windowsForbidden):
		return "contains one of " + windowsForbidden + ", which Windows does not allow"
	}
	for _, seg := range strings.Split(name, "/") {
		switch {
		case seg == "":
			return "has an empty path segment"
		case seg == "..":
			return "leaves the target folder"
		case seg == ".":
			return `has a "." segment`
		case len(seg) > maxNameSegment:
			return fmt.Sprintf("has a name longer than %d bytes", maxNameSegment)
		case strings.HasSuffix(seg, ".") || strings.HasSuffix(seg, " "):
			return "has a name ending in a dot or space, which Windows drops"
		case isWindowsReserved(seg):
			return fmt.Sprintf("uses %q, a device name Windows reserves", seg)
		}
	}
	return ""
}

// NameProblem says why name, a backup file's name, cannot be stored under
// that name at every kind of destination (a FAT or exFAT stick, a Windows
// or macOS folder, Proton Drive), or returns "" when it can: the rule the
// inner archive's entry names follow, for one name without folders. It
// refuses control characters, any of /\<>:"|?*, a trailing dot or space,
// the device names Windows reserves (CON, NUL, COM1, ...), names longer
// than 255 bytes and bytes that are not UTF-8. The problem is a clause:
// "contains a control character".
func NameProblem(name string) string {
	switch {
	case strings.Contains(name, "/"):
		return "contains a slash"
	case name == "." || name == "..":
		return "is not a file name"
	case len(name) > maxNameSegment:
		return fmt.Sprintf("is longer than %d bytes", maxNameSegment)
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return "ends in a dot or space, which Windows drops"
	case strings.ContainsAny(name, windowsForbidden) && utf8.ValidString(name):
		// Said as such, not as a drive letter ("a:b").
		return "contains one of " + windowsForbidden + ", which Windows does not allow"
	case isWindowsReserved(name):
		return "is a device name Windows reserves"
	}
	return entryNameProblem(name)
}

// isWindowsReserved reports whether seg names a Windows device, with or
// without an extension ("NUL", "com1.txt", "LPT¹").
func isWindowsReserved(seg string) bool {
	base, _, _ := strings.Cut(seg, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) >= 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		switch base[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// nameKey is what two names must differ in to be different files on a
// case-insensitive, normalisation-insensitive file system (macOS,
// Windows): names with equal keys collide there.
func nameKey(name string) string {
	return strings.ToLower(norm.NFC.String(name))
}

// nameSet tracks the files and folders of one restore by a key (nameKey,
// or the name itself), to find names that would land on the same file or
// under a file.
type nameSet struct {
	key  func(string) string
	kind map[string]nameKind
	name map[string]string // the first name given for each key
}

type nameKind uint8

const (
	kindFile nameKind = iota + 1
	kindDir
)

// newNameSet returns a set whose names clash as on macOS and Windows: two
// names with equal nameKey are one file.
func newNameSet(n int) *nameSet {
	return &nameSet{key: nameKey, kind: make(map[string]nameKind, n), name: make(map[string]string, n)}
}

// newExactNameSet returns a set whose names clash as on a case-sensitive
// file system (Linux's, the phone's): only equal names are one file.
func newExactNameSet(n int) *nameSet {
	return &nameSet{key: func(s string) string { return s }, kind: make(map[string]nameKind, n), name: make(map[string]string, n)}
}

// add records name, a file or (when dir) a folder, and its parent
// folders. It returns the earlier name it clashes with, if any: the same
// file, a file where a folder is needed, or a folder where a file is.
// Folders may repeat.
func (s *nameSet) add(name string, dir bool) (clash string, ok bool) {
	key := s.key(name)
	// A key has its name's slashes (nameKey changes none), so j is in
	// name where i is in key: a folder is remembered by its own name.
	for i, j := strings.IndexByte(key, '/'), strings.IndexByte(name, '/'); i >= 0 && j >= 0; i, j = nextSlash(key, i), nextSlash(name, j) {
		switch s.kind[key[:i]] {
		case kindFile:
			return s.name[key[:i]], false
		case 0:
			s.kind[key[:i]], s.name[key[:i]] = kindDir, name[:j]
		}
	}
	switch prev := s.kind[key]; {
	case prev == kindFile || (prev == kindDir && !dir):
		return s.name[key], false
	case prev == 0:
		s.name[key] = name
		s.kind[key] = kindFile
		if dir {
			s.kind[key] = kindDir
		}
	}
	return "", true
}

func nextSlash(s string, after int) int {
	if j := strings.IndexByte(s[after+1:], '/'); j >= 0 {
		return after + 1 + j
	}
	return -1
}

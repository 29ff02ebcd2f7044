//go:build !linux

package backup

// renameNoReplace renames from to to, failing with fs.ErrExist when to
// exists: it looks first, then renames.
func renameNoReplace(from, to string) error { return renameChecked(from, to) }

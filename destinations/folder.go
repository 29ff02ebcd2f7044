package destinations

import (
	"io/fs"
	"os"
)

// LocalFolder is a Destination that stores its backups in a directory of
// this computer's file systems. Two of them whose directories are one (a
// folder and a symbolic link to it, a bind mount of it, a drive's folder
// also named by its path) are one place whatever their specs say: the job
// package refuses them as it refuses one spec given twice, since the
// second copy would land beside the first on the same medium. One inside
// the folder a backup is made of is refused too: each backup would hold
// the ones before it.
type LocalFolder interface {
	// Directory returns where backups are stored, as it is now. When the
	// directory exists, info is its own (os.Stat's, following links) and
	// rest is "". When it does not exist yet (the first backup makes it),
	// info is that of its nearest existing parent and rest the clean
	// relative path from there, such as "cake_wallet_backups". Two
	// destinations are one folder when os.SameFile holds for their infos
	// and their rests are equal (see SameFolder).
	Directory() (info fs.FileInfo, rest string, err error)
	// Dir returns the directory's absolute path as it was given, which
	// may not exist yet. The job package walks up from it to refuse a
	// destination inside the folder being backed up.
	Dir() string
}

// SameFolder reports whether a and b store into one directory, however
// each reaches it (a symbolic link, a bind mount, a drive also named by
// its path): their Directory infos are one file (os.SameFile, which
// compares device and inode) and their rests are equal. It is the one
// comparison of local folders: the job package refuses two destinations
// it holds for, the inbox package a destination it holds for with the
// watched folder. The error is either Directory's: a folder that cannot be
// looked at now.
func SameFolder(a, b LocalFolder) (bool, error) {
	ai, ar, err := a.Directory()
	if err != nil {
		return false, err
	}
	bi, br, err := b.Directory()
	if err != nil {
		return false, err
	}
	return ar == br && os.SameFile(ai, bi), nil
}

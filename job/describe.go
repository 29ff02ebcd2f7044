package job

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// Why CheckFile refuses a file to send that is no file.
var (
	ErrFolderNotFile = errors.New("a folder, not a backup file")
	ErrNotRegular    = errors.New("not a regular file")
)

// CheckFile refuses, before any destination is opened, a file to send
// that is not there (destinations.ErrNoSuchFile) or names a folder
// (ErrFolderNotFile) or a device (ErrNotRegular): the file named is
// wrong, not damaged. Each refusal is a *FileError, as Send's errors
// about the file are. A file that is there but cannot be looked at is
// left to Send, which says why it cannot open it.
func CheckFile(file string) error {
	fi, err := os.Stat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return &FileError{File: file, Err: destinations.ErrNoSuchFile}
	case err != nil:
		return nil
	case fi.IsDir():
		return &FileError{File: file, Err: ErrFolderNotFile}
	case !fi.Mode().IsRegular():
		return &FileError{File: file, Err: ErrNotRegular}
	}
	return nil
}

// Reason is why the destination holds no copy, for a line that names the
// destination already, with word turning an error into its text: a
// destination that did not open is named by its
// *destinations.OpenError, which is left out, whether the line names it
// as given (/media/usb) or as the error does (folder:/media/usb), and so
// is the "backup to D: " or "sending to D: " Make and Send start a failed
// store's error with.
func (st Stored) Reason(word func(error) string) string {
	msg := word(destinations.Cause(st.Err, st.Dest))
	for _, what := range []string{"backup to ", "sending to "} {
		for _, spec := range []string{st.Dest, st.Spec} {
			if rest, ok := strings.CutPrefix(msg, what+spec+": "); ok && spec != "" {
				return rest
			}
		}
	}
	return msg
}

// FailedLine is the result line of a destination that holds no copy,
// after verb ("NOT sent", "NOT saved"): "verb to D: why", or "verb: why"
// when why names the destination already (as given, by its canonical
// spec or by the path it stands for: see errloc.Names), as "folder
// /media/usb does not exist" does. So the line names the place once.
func (st Stored) FailedLine(verb string, word func(error) string) string {
	msg := st.Reason(word)
	if errloc.Names(msg, append(destinations.Spellings(st.Dest), destinations.Spellings(st.Spec)...)...) {
		return verb + ": " + msg
	}
	return verb + " to " + st.Dest + ": " + msg
}

// FileReason is why file was not sent, for a line that names the file
// already, with word turning an error into its text: when err is file's
// *FileError or *destinations.ReadError ("FILE: why"), its why.
func FileReason(file string, err error, word func(error) string) string {
	var fe *FileError
	if errors.As(err, &fe) && fe.File == file && err.Error() == fe.Error() {
		return word(fe.Err)
	}
	var re *destinations.ReadError
	if errors.As(err, &re) && re.Loc == file && err.Error() == re.Error() {
		return re.Reason()
	}
	return word(err)
}

// Kind says who made the backup info describes and so who can restore
// it: the app's own exports go back into the app; a cakebackup snapshot,
// or an app export without its keychain dump, does not, and the words
// restoreWith (the caller's, such as "restore it with `cakebackup
// restore`": the command line names its own command) say how it is
// restored instead. With the inner archive's entries (read with the
// password) it can tell for sure whether the app can import the backup;
// with nil entries, it says what the metadata claims.
func Kind(info backup.Info, entries []backup.Entry, restoreWith string) string {
	switch info.Maker() {
	case backup.MakerCakebackup:
		return SnapshotKind(restoreWith)
	case backup.MakerApp:
		app := info.AppName
		if app == "" {
			app = "the wallet app"
		}
		switch {
		case entries == nil:
			return fmt.Sprintf("made by %s %s (from its metadata): an app export, which the app can import", app, info.AppVersion)
		case backup.AppImportable(info, entries):
			return fmt.Sprintf("made by %s %s: the app can import it", app, info.AppVersion)
		}
		return fmt.Sprintf("made by %s %s, but it holds no keychain dump: the app's import will fail; %s", app, info.AppVersion, restoreWith)
	}
	if entries != nil && backup.AppImportable(info, entries) {
		return "a bare v2 backup holding the app's keychain dump: the app can import it"
	}
	return "a bare v2 backup, which does not say who made it"
}

// SnapshotKind is Kind of a backup cakebackup made from a data folder:
// the app can never import one.
func SnapshotKind(restoreWith string) string {
	return "made by cakebackup from a data folder: " + restoreWith + "; the app cannot import it (no app-sealed keychain dump)"
}

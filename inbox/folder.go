package inbox

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"path/filepath"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// DestIsInboxError is returned by New for a destination that stores into
// the watched folder itself; it matches ErrDestIsInbox.
type DestIsInboxError struct {
	// Dest is the destination spec; Dir the watched folder.
	Dest, Dir string
}

// Error names the destination and the folder.
func (e *DestIsInboxError) Error() string {
	return "destination " + e.Dest + " is the watched folder " + e.Dir
}

// Is makes a *DestIsInboxError match ErrDestIsInbox.
func (e *DestIsInboxError) Is(target error) bool { return target == ErrDestIsInbox }

// New returns an inbox over dir (absolute) shipping to dests, with its
// state file next to the scheduler's (in paths) and named for dir:
// `cakebackup watch DIR` and a watch job on DIR share it, so what one
// shipped the other never ships again, and they never ship from DIR at
// once. A destination that stores into dir (a folder: naming it, or
// downloads when dir is the Downloads folder found through getenv) is a
// *DestIsInboxError.
func New(dir string, dests []string, open job.Opener, paths schedule.Paths, getenv func(string) string, log *slog.Logger) (*Inbox, error) {
	for _, d := range dests {
		if storesInto(d, dir, getenv) {
			return nil, &DestIsInboxError{Dest: d, Dir: dir}
		}
	}
	return &Inbox{
		Dir:   dir,
		Dests: dests,
		Open:  open,
		State: filepath.Join(filepath.Dir(paths.State), "inbox-"+shortHash(dir)+".json"),
		Log:   log,
	}, nil
}

// storesInto reports whether spec stores into the folder dir.
func storesInto(spec, dir string, getenv func(string) string) bool {
	s, err := destinations.ParseSpec(spec)
	if err != nil {
		return false
	}
	var path string
	switch s.Scheme {
	case "folder":
		path = s.Arg
	case "downloads":
		if path, err = local.DownloadsDir(getenv); err != nil {
			return false
		}
	default:
		return false
	}
	abs, err := filepath.Abs(path)
	return err == nil && abs == dir
}

// shortHash names a folder's state file.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// Folder is the folder a watch job watches: its Watch path, or the
// Downloads folder (found through getenv) for schedule.WatchDownloads.
func Folder(j schedule.Job, getenv func(string) string) (string, error) {
	if j.Watch == schedule.WatchDownloads {
		return local.DownloadsDir(getenv)
	}
	return j.Watch, nil
}

// Result is what the pass stored, as a scheduled run records it: each
// verified copy of each export shipped that retention did not remove in
// the same pass, and how many copies retention removed.
func (r *Report) Result() schedule.Result {
	var res schedule.Result
	if r == nil {
		return res
	}
	res.Pruned = len(r.Pruned)
	pruned := map[Pruned]bool{}
	for _, p := range r.Pruned {
		pruned[p] = true
	}
	for _, f := range r.Files {
		if f.Sent == nil {
			continue
		}
		for _, st := range f.Sent.Stores.Good() {
			if pruned[Pruned{Dest: st.Dest, Name: st.Entry.Name}] {
				continue
			}
			res.Copies = append(res.Copies, schedule.Copy{Dest: st.Dest, Entry: st.Entry})
		}
	}
	return res
}

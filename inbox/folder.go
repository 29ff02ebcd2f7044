package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

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

// CheckOpened refuses a destination that stores into the watched folder
// dir (absolute) however it reaches it: a folder: through a symbolic link
// or a bind mount, downloads when dir is the Downloads folder reached
// through a link. The "copy" found there would be the export itself,
// which remove-after-send would then delete. It is a *DestIsInboxError.
// dests[i] is specs[i] opened, or nil when it did not open; only local
// folders (destinations.LocalFolder) are compared, by
// destinations.SameFolder, and one that cannot be looked at now is left to
// fail when its copy is written. A watched folder that cannot be looked
// at is that error.
func CheckOpened(dir string, specs []string, dests []destinations.Destination) error {
	watched, err := local.NewFolder(dir)
	if err != nil {
		return fmt.Errorf("the watched folder: %w", err)
	}
	for i, d := range dests {
		lf, ok := d.(destinations.LocalFolder)
		if !ok {
			continue
		}
		if same, err := destinations.SameFolder(lf, watched); err == nil && same {
			return &DestIsInboxError{Dest: specs[i], Dir: dir}
		}
	}
	return nil
}

// CheckDests opens every destination and refuses, before anything is
// shipped, what every pass would refuse: one that stores into the
// watched folder however it reaches it (see CheckOpened, a
// *DestIsInboxError), two that are one place (job.CheckOpened, wrapping
// job.ErrDestTwice). A destination that does not open now (an unplugged
// stick, no network) is left to the passes, which say why; each open is
// bounded by OpenTimeout. The destinations that opened are kept for the
// first pass of Once or Watch, so that each is opened once at the start
// (one Proton Drive login, one question which drive); a refusal closes
// them.
func (in *Inbox) CheckDests(ctx context.Context) (err error) {
	if err := in.check(); err != nil {
		return err
	}
	dir, err := filepath.Abs(in.Dir)
	if err != nil {
		return err
	}
	in.releaseHeld()
	dests := make([]destinations.Destination, len(in.Dests))
	defer func() {
		for i, d := range dests {
			switch {
			case d == nil:
			case err != nil:
				_ = d.Close()
			default:
				if in.held == nil {
					in.held = map[string]destinations.Destination{}
				}
				in.held[in.Dests[i]] = d
			}
		}
	}()
	for i, spec := range in.Dests {
		octx, cancel := context.WithTimeout(ctx, OpenTimeout)
		d, err := in.Open(octx, spec)
		cancel()
		if err == nil {
			dests[i] = d
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckOpened(dir, in.Dests, dests); err != nil {
		return err
	}
	return job.CheckOpened(in.Dests, dests)
}

// releaseHeld closes the destinations CheckDests kept that no pass took.
func (in *Inbox) releaseHeld() {
	for spec, d := range in.held {
		_ = d.Close()
		delete(in.held, spec)
	}
}

// OpenTimeout bounds how long CheckDests waits on one destination (a
// network one) to open.
const OpenTimeout = 30 * time.Second

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

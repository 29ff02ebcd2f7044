package inbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// runner is an inbox in use: its lock, its state and what it saw.
type runner struct {
	in   *Inbox
	dir  string // absolute
	lock *schedule.Lock
	st   *state
	// dirty is set when st differs from the state file.
	dirty bool
	// looks are the sizes and times files had when first seen so, for
	// the settle rule.
	looks map[string]look
	// told is the last problem logged per path, so a problem that stays
	// is logged once.
	told map[string]string
	// open are the destinations opened (by CheckDests, or by this
	// runner) and not closed yet, by spec: a pass opens each at most
	// once, for its shipments and its retention (openDest).
	open map[string]destinations.Destination
	// keys are, by spec, the state keys of the drives the pass's usb
	// destinations found ("" for one that did not open): see where.
	keys map[string]string
	// sticks are, by spec, the drives the pass's usb destinations found,
	// which the log lines about them name (see named).
	sticks map[string]local.Drive
	// lacks are, by state key, the exports (by SHA-512) recorded as
	// stored on a drive the pass found that it does not hold: see
	// reconcile.
	lacks map[string]map[string]bool
	// swaps are the failures of retention owed on sticks swapped for
	// others within the pass (see swapped), for its report.
	swaps []error
	// toldLack is, by state key, the copies a drive lacked when that was
	// last logged, so that it is logged once.
	toldLack map[string]string
}

// look is a file's size and time as seen at a moment.
type look struct {
	size  int64
	mtime time.Time
	at    time.Time
}

// start checks the inbox, takes its lock and loads its state. The
// destinations CheckDests kept go to the runner, or are closed when it
// cannot start (another process ships from the folder).
func (in *Inbox) start() (_ *runner, err error) {
	defer func() {
		if err != nil {
			in.releaseHeld()
		}
	}()
	if err := in.check(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(in.Dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("the watched folder: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("the watched folder %s is not a folder", dir)
	}
	for _, d := range in.Dests {
		if spec, err := destinations.ParseSpec(d); err == nil && spec.Scheme == "folder" && sameDir(spec.Arg, dir) {
			return nil, fmt.Errorf("%w: %s", ErrDestIsInbox, d)
		}
	}
	lock, err := schedule.LockFile(in.State + ".lock")
	if errors.Is(err, schedule.ErrLocked) {
		return nil, fmt.Errorf("%w (%s)", ErrBusy, dir)
	}
	if err != nil {
		return nil, err
	}
	st, err := loadState(in.State, dir)
	if err != nil {
		lock.Release()
		return nil, err
	}
	open := in.held
	in.held = nil
	if open == nil {
		open = map[string]destinations.Destination{}
	}
	return &runner{in: in, dir: dir, lock: lock, st: st, looks: map[string]look{}, told: map[string]string{}, open: open, keys: map[string]string{}, sticks: map[string]local.Drive{}, lacks: map[string]map[string]bool{}, toldLack: map[string]string{}}, nil
}

func (r *runner) close() {
	r.release()
	r.lock.Release()
}

// openDest opens the destination spec, or returns the one the runner
// holds open: opened once, it serves a pass's shipments and retention,
// and, while a file settles, the pass that ships it (see pass).
func (r *runner) openDest(ctx context.Context, spec string) (destinations.Destination, error) {
	if d, ok := r.open[spec]; ok {
		return d, nil
	}
	d, err := r.in.Open(ctx, spec)
	if err != nil {
		return nil, err
	}
	r.open[spec] = d
	return d, nil
}

// drop closes the destination spec the runner holds, if any: one that
// failed is opened afresh next time (a stick swapped, a connection lost).
func (r *runner) drop(spec string) {
	if d, ok := r.open[spec]; ok {
		_ = d.Close()
		delete(r.open, spec)
	}
}

// release closes every destination the runner holds.
func (r *runner) release() {
	for spec := range r.open {
		r.drop(spec)
	}
}

// sameDir reports whether path names the folder dir (absolute), however
// it reaches it (destinations.SameFolder).
func sameDir(path, dir string) bool {
	a, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if a == dir {
		return true
	}
	fa, err1 := local.NewFolder(a)
	fd, err2 := local.NewFolder(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	same, err := destinations.SameFolder(fa, fd)
	return err == nil && same
}

// pass looks at every file of the folder (or, with only, those paths),
// ships what is ready, applies retention where something new was stored
// or retention owed is due again, and saves the state.
func (r *runner) pass(ctx context.Context, only map[string]bool) (rep *Report, err error) {
	// The destinations opened stay open only while a file settles, for
	// the pass that ships it; else the next pass opens them afresh.
	defer func() {
		if err != nil || rep == nil || !rep.Settling() {
			r.release()
		}
	}()
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return nil, fmt.Errorf("reading the watched folder: %w", err)
	}
	// Which stick a usb destination is, is looked at afresh at each
	// pass: one kept open while a file settled may have been swapped
	// for another since.
	r.keys = map[string]string{}
	r.sticks = map[string]local.Drive{}
	r.lacks = map[string]map[string]bool{}
	r.swaps = nil
	for _, dest := range r.in.Dests {
		if isDrive(dest) {
			r.drop(dest)
		}
	}
	rep = &Report{}
	now := time.Now()
	seen := map[string]bool{}
	stored := map[string]bool{}
	var removable []removal
	for _, e := range entries {
		if ctx.Err() != nil {
			break
		}
		name := e.Name()
		if ignoredName(name) || !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(r.dir, name)
		seen[path] = true
		if only != nil && !only[path] {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		f, report := r.file(ctx, path, info, now, stored)
		at := -1
		if report {
			rep.Files = append(rep.Files, f)
			at = len(rep.Files) - 1
			if f.Status == Failed {
				rep.Errs = append(rep.Errs, fmt.Errorf("%s: %w", name, f.Err))
			}
		}
		if r.in.RemoveAfterSend && (f.Status == Shipped || f.Status == Known) {
			removable = append(removable, removal{f: f, at: at})
		}
	}
	if only == nil && ctx.Err() == nil {
		r.forgetGone(seen)
	}
	rep.Errs = append(rep.Errs, r.swaps...)
	for _, dest := range r.in.Dests {
		if ctx.Err() != nil {
			break
		}
		if !stored[dest] && !r.retentionDue(ctx, dest) {
			continue
		}
		pruned, err := r.prune(ctx, dest)
		rep.Pruned = append(rep.Pruned, pruned...)
		if err != nil {
			rep.Errs = append(rep.Errs, err)
			r.drop(dest)
		}
		r.retentionDone(ctx, dest, err)
	}
	// What retention removed is on record before an export leaves the
	// folder, and only then is it known which exports every destination
	// still holds.
	if err := r.save(); err != nil {
		return rep, err
	}
	if ctx.Err() == nil {
		for _, c := range removable {
			r.remove(ctx, &c.f)
			switch {
			case c.at >= 0:
				rep.Files[c.at] = c.f
			case c.f.Removed:
				rep.Files = append(rep.Files, c.f)
			}
		}
	}
	if err := r.save(); err != nil {
		return rep, err
	}
	if r.in.Observe != nil {
		r.in.Observe(rep)
	}
	return rep, ctx.Err()
}

// retentionDue reports whether retention owed at dest (see owed) is to be
// tried again now. For a drive, it is owed at the stick it failed on,
// tried at a pass that finds that stick.
func (r *runner) retentionDue(ctx context.Context, dest string) bool {
	if !r.owedAnywhere(dest) {
		return false // no drive looked for
	}
	key, ok := r.where(ctx, dest)
	if !ok {
		return false
	}
	o, owes := r.st.RetentionOwed[key]
	return owes && !r.in.clock().Before(o.Next)
}

// retentionDone records how retention at dest went, for the stick it
// found when dest is a drive: a failure makes it owed there, tried
// again after a backoff, and is logged; a success pays what was owed
// there. Retention stopped by ctx is owed as it was, or tried again at
// the next pass when nothing was owed.
func (r *runner) retentionDone(ctx context.Context, dest string, err error) {
	key := r.found(dest)
	o, owes := r.st.RetentionOwed[key]
	switch {
	case err == nil:
		if owes {
			delete(r.st.RetentionOwed, key)
			r.dirty = true
			r.in.log().Info("retention done", "dest", r.named(dest), "owed_since", o.Since.Format(time.RFC3339))
		}
	case ctx.Err() != nil:
		if !owes {
			if r.st.RetentionOwed == nil {
				r.st.RetentionOwed = map[string]owed{}
			}
			now := r.in.clock()
			r.st.RetentionOwed[key] = owed{Since: now, Next: now, Err: errloc.OneLine(err.Error())}
			r.dirty = true
		}
	default:
		o = r.st.owe(key, err, r.in.clock())
		r.dirty = true
		r.in.log().Error(r.retentionFailed(), "dest", r.named(dest), "next", o.Next.Format(time.RFC3339), "error", o.Err)
	}
}

// swapped owes retention on the stick of state key old, drv, which got
// a copy earlier in this pass and was swapped for now, the stick dest
// finds now: the pass's retention at dest is now's, and old's is done
// when that stick is back (see retentionDue).
func (r *runner) swapped(dest, old string, drv, now local.Drive) {
	named := dest
	if dest+" on "+drv.ID() == old {
		named = dest + " on " + drv.Named()
	}
	err := fmt.Errorf("retention at %s: %w: %s", dest, ErrStickSwapped, now.Named())
	o := r.st.owe(old, err, r.in.clock())
	r.dirty = true
	r.swaps = append(r.swaps, err)
	r.in.log().Error(r.retentionFailed(), "dest", named, "next", o.Next.Format(time.RFC3339), "error", o.Err)
}

// retentionFailed is the log line's message for retention that failed.
func (r *runner) retentionFailed() string {
	if r.in.RemoveAfterSend {
		return "retention failed; it is tried again, and the exports stay in the folder until it succeeds"
	}
	return "retention failed; it is tried again"
}

// save writes the state file if the state changed since it was read or
// last written.
func (r *runner) save() error {
	if !r.dirty {
		return nil
	}
	if err := r.st.save(r.in.State); err != nil {
		return err
	}
	r.dirty = false
	return nil
}

// forgetGone drops what is remembered of files no longer in the folder.
func (r *runner) forgetGone(seen map[string]bool) {
	for path := range r.st.Files {
		if !seen[path] {
			delete(r.st.Files, path)
			r.dirty = true
		}
	}
	for path := range r.looks {
		if !seen[path] {
			delete(r.looks, path)
		}
	}
	for path := range r.told {
		if !seen[path] {
			delete(r.told, path)
		}
	}
}

// file handles one file of the folder and says whether to report it: a
// known export that needed nothing is reported only when it was first
// judged in this pass.
func (r *runner) file(ctx context.Context, path string, info fs.FileInfo, now time.Time, stored map[string]bool) (File, bool) {
	size, mtime := info.Size(), info.ModTime()
	f := File{Path: path, Size: size}
	m, known := r.st.Files[path]
	fresh := !known || !m.same(size, mtime)
	if fresh {
		if !r.settled(path, size, mtime, now) {
			f.Status = Settling
			return f, true
		}
		var err error
		m, err = r.judge(ctx, path, size, mtime)
		switch {
		case errors.Is(err, errChanged):
			delete(r.looks, path)
			f.Status = Settling
			return f, true
		case err != nil && ctx.Err() != nil:
			// Stopped by Ctrl-C or SIGTERM while it was read: no
			// failure to read it. It is judged afresh next time.
			delete(r.looks, path)
			f.Status = Settling
			r.in.log().Info("stopped before it was checked; it is checked next time", "file", filepath.Base(path))
			return f, true
		case err != nil:
			f.Status, f.Err = Unreadable, err
			r.tell(path, err.Error(), func() {
				r.in.log().Error("cannot read", "file", filepath.Base(path), "error", errloc.OneLine(err.Error()))
			})
			return f, true
		}
		r.st.Files[path] = m
		r.dirty = true
	}
	delete(r.looks, path)
	if m.NotBackup != "" {
		f.Status, f.Err = NotBackup, errors.New(m.NotBackup)
		switch {
		case m.NoDecrypt:
			f.Status = NoDecrypt
		case m.Damaged:
			f.Status = Damaged
		}
		if !fresh {
			// Noted when it was judged, by this process or an earlier
			// one (the state file remembers it): noted once.
			return f, false
		}
		r.tell(path, m.NotBackup, func() {
			// Most files in Downloads are no backups: only one that
			// looks like a backup but does not verify is worth a word.
			level, msg := slog.LevelDebug, "left alone: not a backup"
			switch {
			case m.Partial:
				level, msg = slog.LevelInfo, "left alone: not a whole backup yet (cut short); it is looked at again when it changes"
			case m.BlobMismatch:
				level, msg = slog.LevelWarn, "not shipped: a v2 backup that does not verify (damaged, or not whole yet); it is looked at again when it changes"
			case f.Status == Damaged:
				level, msg = slog.LevelWarn, "not shipped: a damaged backup (it does not verify); export it again"
			case f.Status == NoDecrypt:
				level, msg = slog.LevelWarn, "not shipped: it does not verify with the password given (another password's backup, or tampered with)"
			}
			r.in.log().Log(ctx, level, msg, "file", filepath.Base(path), "size", size, "reason", m.NotBackup)
		})
		return f, fresh
	}
	f.SHA512 = m.SHA512
	var missing []string
	for _, d := range r.in.Dests {
		if !r.holds(ctx, d, m.SHA512) {
			missing = append(missing, d)
		}
	}
	f.Status = Known
	if len(missing) > 0 {
		r.ship(ctx, &f, m, missing, now, stored)
		// The copies are on record before anything else happens (the
		// export's removal, the next shipment): a run killed after this
		// leaves a state that knows them, for retention and re-runs.
		if err := r.save(); err != nil && f.Status != Failed {
			f.Status, f.Err = Failed, err
		}
	}
	return f, fresh || f.Status != Known
}

// removal is an export the pass may remove from the folder once
// retention ran at the destinations (see remove), and where the report
// lists it (-1: not yet).
type removal struct {
	f  File
	at int
}

// settled reports whether the file had this size and time at a look at
// least the settle interval ago, and records this look otherwise.
func (r *runner) settled(path string, size int64, mtime, now time.Time) bool {
	l, ok := r.looks[path]
	if !ok || l.size != size || !l.mtime.Equal(mtime) {
		r.looks[path] = look{size: size, mtime: mtime, at: now}
		return false
	}
	return now.Sub(l.at) >= r.in.settle()
}

// errChanged is returned by judge for a file that changed while it was
// read.
var errChanged = errors.New("the file changed while it was checked")

// judge checks a settled file: an export gets its SHA-512 remembered,
// anything else the reason it is not one. Only a failure to read the file
// at all is returned as an error.
func (r *runner) judge(ctx context.Context, path string, size int64, mtime time.Time) (memo, error) {
	m := memo{Size: size, ModTime: mtime}
	sent, err := job.Check(ctx, path, r.in.Password)
	if err != nil && (ctx.Err() != nil || !rejected(err)) {
		return m, err
	}
	fi, serr := os.Lstat(path)
	if serr != nil || !m.same(fi.Size(), fi.ModTime()) || (sent != nil && sent.Size != size) {
		return m, errChanged
	}
	if err != nil {
		var chunk *backup.ChunkError
		// The log line names the file already: the reason is why alone.
		why := err
		var fe *job.FileError
		if errors.As(err, &fe) {
			why = fe.Err
		}
		m.NotBackup = errloc.OneLine(why.Error())
		var ce *backup.ContainerError
		switch {
		case errors.As(err, new(*backup.ReadError)):
		case errors.As(err, &ce) && ce.CutShort:
			m.Partial = true
		case errors.Is(err, backup.ErrDecrypt):
			m.NoDecrypt = true
		case errors.Is(err, backup.ErrBlobChecksum) && !errors.As(err, &chunk):
			m.BlobMismatch = true
		default:
			m.Damaged = errors.Is(err, backup.ErrBadChecksum) || errors.As(err, &chunk)
		}
		return m, nil
	}
	m.SHA512 = sent.SHA512
	return m, nil
}

// rejected reports whether err is a file's check saying it is not a
// whole, intact backup (or does not decrypt with the password), rather
// than a failure to read it (backup.VerdictOf).
func rejected(err error) bool {
	return backup.VerdictOf(err) != backup.NoVerdict
}

// ship sends the export to the destinations that never had it and
// records where it is now, logging one line.
func (r *runner) ship(ctx context.Context, f *File, m memo, missing []string, now time.Time, stored map[string]bool) {
	sent, err := job.Send(ctx, r.openDest, job.Shipment{File: f.Path, Dests: missing, Password: r.in.Password, KeepOpen: true, WantSHA512: true})
	f.Sent = sent
	// was are the sticks the pass had found before, which a copy stored
	// now may not have gone to.
	was := map[string]local.Drive{}
	if sent != nil {
		for _, s := range sent.Stores {
			// Which stick a copy went to (or failed on) is named in the
			// log, dropped or not.
			if d, ok := r.open[s.Dest]; ok && isDrive(s.Dest) {
				if od, ok := d.(onDrive); ok {
					if drv, found := r.sticks[s.Dest]; found {
						was[s.Dest] = drv
					}
					r.sticks[s.Dest] = od.Drive()
				}
			}
			if s.Err != nil {
				r.drop(s.Dest)
			}
		}
	} else if err != nil {
		for _, d := range missing {
			r.drop(d)
		}
	}
	if sent == nil {
		// It no longer passes its check or cannot be read: judge it
		// afresh next time. A name no destination may take (see
		// job.NameError) is refused before the file is read: what is
		// known of it holds, and it is not read again until renamed.
		if ne := (*job.NameError)(nil); !errors.As(err, &ne) {
			delete(r.st.Files, f.Path)
			r.dirty = true
		}
		f.Status, f.Err = Failed, err
		r.logShip(ctx, f, missing, err)
		return
	}
	for i, s := range sent.Stores {
		if s.Err != nil {
			continue
		}
		if r.inFolder(s.Entry.Location) {
			// The destination is the watched folder reached another way
			// (downloads, when the folder is Downloads through a link):
			// its "copy" is the export itself, which remove-after-send
			// would then delete.
			sent.Stores[i].Err = &DestIsInboxError{Dest: s.Dest, Dir: r.dir}
			err = sent.Stores.Err()
			continue
		}
		// Recorded for the drive the copy went to, which the pass may
		// not have found before (plugged in since, or chosen when
		// asked): found now, as where finds one.
		key := s.Dest
		if d, ok := r.open[s.Dest]; ok {
			key = keyOf(s.Dest, d)
			if isDrive(s.Dest) && r.keys[s.Dest] != key {
				if od, ok := d.(onDrive); ok && r.keys[s.Dest] != "" && stored[s.Dest] {
					r.swapped(s.Dest, r.keys[s.Dest], was[s.Dest], od.Drive())
				}
				r.resolve(ctx, s.Dest, d)
			}
		}
		r.st.record(key, sent.SHA512, Copy{Name: s.Entry.Name, Size: sent.Size, Made: m.ModTime, Created: sent.Info.Created, Shipped: now, Ours: !s.AlreadyThere})
		delete(r.lacks[key], sent.SHA512)
		r.dirty = true
		if !s.AlreadyThere {
			stored[s.Dest] = true
		}
	}
	if sent.SHA512 != m.SHA512 {
		delete(r.st.Files, f.Path)
		r.dirty = true
	}
	f.Status = Shipped
	if err != nil {
		f.Status, f.Err = Failed, err
	}
	r.logShip(ctx, f, missing, err)
}

// inFolder reports whether location, a stored copy's, is a file in the
// watched folder. A copy elsewhere, or one that is no local path (on
// Proton Drive), is not.
func (r *runner) inFolder(location string) bool {
	return filepath.IsAbs(location) && sameDir(filepath.Dir(location), r.dir)
}

// logShip logs one line for a file sent (or not) to dests. A failure is
// logged again only when it changes; a shipment stopped by ctx (Ctrl-C,
// SIGTERM) is no failure, and is shipped next time. The line names each
// place once: a destination's failure whose text names it (see
// errloc.Names: "folder /media/x does not exist") is not preceded by its
// spec too, and the file, named by file=, is not named again.
func (r *runner) logShip(ctx context.Context, f *File, dests []string, err error) {
	if err != nil && ctx.Err() != nil {
		r.in.log().Info("stopped before it was shipped everywhere; it is shipped next time", "file", filepath.Base(f.Path))
		return
	}
	var outcome []string
	if f.Sent != nil {
		for _, s := range f.Sent.Stores {
			var o string
			switch {
			case s.Err != nil:
				o = r.atDests("FAILED: ", []string{s.Dest}, destinations.Cause(s.Err, s.Dest))
			case s.AlreadyThere:
				o = r.named(s.Dest) + " already there as " + s.Entry.Name
			default:
				o = r.named(s.Dest) + " verified as " + s.Entry.Name
			}
			if s.Reclaimed.Files > 0 {
				o += fmt.Sprintf(" (removed %d leftover file(s) of interrupted runs)", s.Reclaimed.Files)
			}
			outcome = append(outcome, o)
		}
	} else {
		if fe := (*job.FileError)(nil); errors.As(err, &fe) && fe.File == f.Path && err.Error() == fe.Error() {
			err = fe.Err // file= names it
		}
		outcome = append(outcome, r.atDests("not sent: ", dests, err))
	}
	attrs := []any{"file", filepath.Base(f.Path), "size", f.Size, "dests", strings.Join(outcome, "; ")}
	if err == nil {
		delete(r.told, f.Path)
		r.in.log().Info("shipped", append(attrs, "result", "ok")...)
		return
	}
	r.tell(f.Path, strings.Join(outcome, "; "), func() {
		r.in.log().Error("ship failed", append(attrs, "result", "failed")...)
	})
}

// atDests is what failed at dests, on one line: "DESTS " + what + err
// (each destination named), or what + err alone when err's text names
// one of them already.
func (r *runner) atDests(what string, dests []string, err error) string {
	msg := errloc.OneLine(err.Error())
	names := make([]string, len(dests))
	for i, d := range dests {
		if errloc.Names(msg, destinations.Spellings(d)...) {
			return what + msg
		}
		names[i] = r.named(d)
	}
	return strings.Join(names, ", ") + " " + what + msg
}

// remove deletes the export from the folder when, after this pass's
// retention, every destination still holds a verified copy, no retention
// is owed at any of them (it might yet remove the copy) and the file is
// still the one that was shipped. An export whose copy retention removed
// somewhere at once (an old export copied into the folder today, older
// than the copies the rules keep) would be nowhere without it: it stays,
// and why is logged once (see keep).
func (r *runner) remove(ctx context.Context, f *File) {
	m, ok := r.st.Files[f.Path]
	if !ok || m.SHA512 == "" || m.SHA512 != f.SHA512 || (f.Sent != nil && f.Sent.SHA512 != m.SHA512) {
		return
	}
	var pruned []string
	for _, d := range r.in.Dests {
		if !r.holds(ctx, d, m.SHA512) {
			return
		}
		if r.owes(ctx, d) {
			// Retention there failed, and may yet remove this copy.
			return
		}
		if !r.present(ctx, d, m.SHA512) {
			pruned = append(pruned, r.named(d))
		}
	}
	if len(pruned) > 0 {
		r.keep(f, m, pruned)
		return
	}
	fi, err := os.Lstat(f.Path)
	if err != nil || !m.same(fi.Size(), fi.ModTime()) {
		return
	}
	if err := os.Remove(f.Path); err != nil {
		r.tell(f.Path, err.Error(), func() {
			r.in.log().Error("cannot remove the shipped export", "file", filepath.Base(f.Path), "error", errloc.OneLine(err.Error()))
		})
		return
	}
	delete(r.st.Files, f.Path)
	r.dirty = true
	f.Removed = true
	r.in.log().Info("removed from the folder: every destination holds a verified copy", "file", filepath.Base(f.Path))
}

// keep leaves in the folder an export whose copies at dests retention
// removed, and logs why at WARN once: the reason is remembered with the
// file (in the state file), so neither a later pass nor a later run says
// it again, and the export, still recorded as shipped there, is not
// shipped again.
func (r *runner) keep(f *File, m memo, dests []string) {
	why := "the copies at " + strings.Join(dests, ", ") + " are older than the retention keeps"
	if len(dests) == 1 {
		why = "the copy at " + dests[0] + " is older than the retention keeps"
	}
	f.Kept = why
	if m.Kept == why {
		return
	}
	m.Kept = why
	r.st.Files[f.Path] = m
	r.dirty = true
	r.in.log().Warn("kept in "+r.dir+": "+why, "file", filepath.Base(f.Path))
}

// tell runs logIt unless the same problem was already logged for path.
func (r *runner) tell(path, problem string, logIt func()) {
	if r.told[path] == problem {
		return
	}
	r.told[path] = problem
	logIt()
}

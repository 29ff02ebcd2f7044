package inbox

import (
	"context"
	"slices"
	"strings"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
)

// A usb spec names whichever drive it finds when it is opened: "usb" the
// only stick plugged in (or the one a person chose), "usb:WALLETS" any
// stick labelled WALLETS. A person rotating two sticks under one spec
// has two destinations, each holding what was shipped while it was
// plugged in. So the state records what such a spec holds per drive,
// under the key "SPEC on ID" (see local.Drive.ID: the file system's UUID
// where the system says it, else the label), and a pass whose usb finds
// another drive ships to it what it lacks and applies retention to its
// own copies only; retention that failed on a drive is owed there alone
// (state.RetentionOwed), tried again at a pass that finds that drive.
// A stick swapped for another within a pass, after a shipment to it
// failed, keeps the retention it was due: it is owed there, and the
// other stick is not pruned by its records (see prune, swapped).
//
// Two sticks can share an ID: a dd clone has its original's UUID and
// label, and where the ID is the label, a stick reformatted keeping its
// label is the stick it was. And a stick emptied by hand lost copies
// the state says it holds. So the records of the drive a pass finds are
// not taken on trust: an export recorded there that the drive does not
// list under its recorded name and size counts as not shipped to it
// (see reconcile), and while it is in the folder it is shipped to it
// again, verified as every shipment is. Its record stays, for the stick
// that holds it. Retention counts and deletes only the copies it finds
// with their SHA-512 (hasHash), so no stick's copies count for another.
// A copy retention removed from one clone is recorded as pruned for
// both: the other clone's copy is then left alone (neither counted nor
// deleted), and that export is not shipped again. Other destinations
// are one place each, opened only when something is shipped or pruned
// there: a copy deleted there by hand is not shipped again.
//
// State files written before keep a drive's records under the bare spec,
// without saying which drive: the first pass that finds a drive claims
// for it every such record of a copy it holds (the name is there, with
// the bytes shipped; see claim), so nothing is shipped to it again and
// retention still counts those copies as its own. A record of a copy
// retention removed (Pruned) cannot be claimed, as the copy is gone: it
// stays, and every drive of that spec counts as having had that export,
// which is not shipped again, as before. Retention such a file owes
// under the bare spec is taken over by the first drive found: which
// drive it failed on, the file does not say.

// onDrive is a destination on a removable drive (local.DriveFolder).
type onDrive interface{ Drive() local.Drive }

// isDrive reports whether spec names a removable drive, which may be
// another drive at each pass.
func isDrive(spec string) bool {
	s, err := destinations.ParseSpec(spec)
	return err == nil && s.Scheme == "usb"
}

// keyOf is the state key of what d, dest opened, holds: dest itself, or
// for a drive "dest on ID".
func keyOf(dest string, d destinations.Destination) string {
	if od, ok := d.(onDrive); ok && isDrive(dest) {
		return dest + " on " + od.Drive().ID()
	}
	return dest
}

// driveKeys are the state keys of the drives that dest named, with the
// bare dest of older state files.
func (st *state) driveKeys(dest string) []string {
	var keys []string
	for k := range st.Dests {
		if k == dest || strings.HasPrefix(k, dest+" on ") {
			keys = append(keys, k)
		}
	}
	return keys
}

// where is the state key of what dest holds in this pass: dest itself,
// or for a drive the key of the one it finds, opened (and its older
// records claimed) once per pass. ok is false for a drive that does not
// open now (none plugged in, several with nobody to ask which) or not
// without asking: which of several sticks "usb" is, is asked (see
// local.WithoutAsking) only when an export needs shipping to it, one
// that none of its sticks holds, as it was before they were told apart;
// once answered, the stick chosen gets what it lacks.
func (r *runner) where(ctx context.Context, dest string) (key string, ok bool) {
	if !isDrive(dest) {
		return dest, true
	}
	if key, ok := r.keys[dest]; ok {
		return key, key != ""
	}
	d, err := r.openDest(local.WithoutAsking(ctx), dest)
	if err != nil {
		r.keys[dest] = "" // not opened again for this in this pass
		return "", false
	}
	return r.resolve(ctx, dest, d), true
}

// resolve records for this pass that dest is d's drive, claims for it
// the records of older state files it holds, and returns its key.
func (r *runner) resolve(ctx context.Context, dest string, d destinations.Destination) string {
	key := keyOf(dest, d)
	r.keys[dest] = key
	if od, ok := d.(onDrive); ok && key != dest {
		r.sticks[dest] = od.Drive()
	}
	if o, owes := r.st.RetentionOwed[dest]; owes && key != dest {
		if _, has := r.st.RetentionOwed[key]; !has {
			r.st.RetentionOwed[key] = o
		}
		delete(r.st.RetentionOwed, dest)
		r.dirty = true
	}
	r.claim(ctx, dest, key, d)
	r.reconcile(ctx, dest, key, d)
	return key
}

// reconcile notes, for this pass, the exports recorded as stored on the
// drive d that dest found, of state key key, that it does not list under the name and
// size recorded: d may be another stick than the one they went to (a
// dd clone has its UUID and label) or have lost them (emptied,
// reformatted keeping its label). Such an export is not held there (see
// holds), so an export still in the folder is shipped to d again, and
// retention, which counts and deletes only copies it finds with their
// SHA-512, does not count it. The record stays, for the stick that has
// it. Listing a drive is cheap; its copies are not read.
func (r *runner) reconcile(ctx context.Context, dest, key string, d destinations.Destination) {
	if key == dest {
		return // not a drive: see isDrive
	}
	var want int
	for _, c := range r.st.Dests[key] {
		if !c.Pruned {
			want++
		}
	}
	if want == 0 {
		return
	}
	list, err := d.List(ctx)
	if err != nil {
		return // the records stand; a shipment or retention there says what fails
	}
	there := make(map[string]int64, len(list))
	for _, e := range list {
		there[e.Name] = e.Size
	}
	inFolder := map[string]bool{}
	for _, m := range r.st.Files {
		if m.SHA512 != "" {
			inFolder[m.SHA512] = true
		}
	}
	lacks := map[string]bool{}
	var names []string // of those still in the folder, to be shipped again
	for sum, c := range r.st.Dests[key] {
		if size, listed := there[c.Name]; c.Pruned || (listed && size == c.Size) {
			continue
		}
		lacks[sum] = true
		if inFolder[sum] {
			names = append(names, c.Name)
		}
	}
	r.lacks[key] = lacks
	slices.Sort(names)
	copies := strings.Join(names, ",")
	told := r.toldLack[key]
	r.toldLack[key] = copies
	if copies == "" || copies == told {
		return
	}
	r.in.log().Warn("the stick lacks copies the state file says it got (emptied, reformatted, or a clone of another stick): the exports still in the folder are shipped to it again",
		"dest", r.named(dest), "copies", copies)
}

// lacking reports whether the drive of state key key, found this pass,
// lacks the export recorded as stored there (see reconcile).
func (r *runner) lacking(key, sum string) bool {
	return r.lacks[key][sum]
}

// found is the state key of what dest holds as this pass found it: for
// a drive, the key of the one it found, else dest.
func (r *runner) found(dest string) string {
	if key := r.keys[dest]; key != "" {
		return key
	}
	return dest
}

// named is dest as log lines name it: for a drive, with the stick the
// pass found (local.Drive.Named: "usb on WALLETS (UUID 4A1C-9F02)"), so
// that a person taking sticks in turns reads which one got a copy.
func (r *runner) named(dest string) string {
	if drv, ok := r.sticks[dest]; ok {
		return dest + " on " + drv.Named()
	}
	return dest
}

// owes reports whether retention is owed at dest: for a drive, at the
// one it finds now, or when it finds none at any of its spec's drives.
func (r *runner) owes(ctx context.Context, dest string) bool {
	if !r.owedAnywhere(dest) {
		return false
	}
	if key, ok := r.where(ctx, dest); ok {
		_, owes := r.st.RetentionOwed[key]
		return owes
	}
	return true
}

// owedAnywhere reports whether retention is owed at dest, or for a drive
// at any of its spec's drives, without looking which drive it finds.
func (r *runner) owedAnywhere(dest string) bool {
	for k := range r.st.RetentionOwed {
		if k == dest || strings.HasPrefix(k, dest+" on ") {
			return true
		}
	}
	return false
}

// claim moves to key, the drive d, the records an older state file kept
// under its bare spec dest of copies d holds: a copy of that name with
// the SHA-512 shipped. One that is not there (on another stick) stays
// for the drive that holds it; one already recorded for key, or pruned,
// stays too.
func (r *runner) claim(ctx context.Context, dest, key string, d destinations.Destination) {
	old := r.st.Dests[dest]
	if key == dest || len(old) == 0 {
		return
	}
	want := 0
	for sum, c := range old {
		if _, have := r.st.Dests[key][sum]; !have && !c.Pruned {
			want++
		}
	}
	if want == 0 {
		return
	}
	list, err := d.List(ctx)
	if err != nil {
		return // tried again at the next pass
	}
	there := map[string]destinations.Entry{}
	for _, e := range list {
		there[e.Name] = e
	}
	for sum, c := range old {
		e, listed := there[c.Name]
		if _, have := r.st.Dests[key][sum]; have || c.Pruned || !listed {
			continue
		}
		if hasHash(ctx, d, e, sum, c.Size) != nil {
			continue
		}
		r.st.record(key, sum, c)
		delete(old, sum)
		r.dirty = true
	}
	if len(old) == 0 {
		delete(r.st.Dests, dest)
	}
}

// holds reports whether dest was given the export with this hash, and so
// must not get it again (even when retention has since removed it); a
// drive found now that lacks the copy recorded there was not (see
// reconcile). A drive that does not open now, or not without asking which, holds what
// any drive of its spec was given: an export shipped before is not tried
// again (and failed) at every pass while no stick is plugged in, nor
// asked about while two are and nobody said which.
func (r *runner) holds(ctx context.Context, dest, sum string) bool {
	key, ok := r.where(ctx, dest)
	if ok {
		if r.st.holds(key, sum) {
			return !r.lacking(key, sum)
		}
		c, old := r.st.Dests[dest][sum]
		return key != dest && old && c.Pruned
	}
	for _, k := range r.st.driveKeys(dest) {
		if r.st.holds(k, sum) {
			return true
		}
	}
	return false
}

// present reports whether dest still holds a verified copy of the
// export (for a drive found now, one it lists; see reconcile); for a
// drive that does not open now, whether one of its spec's
// drives does.
func (r *runner) present(ctx context.Context, dest, sum string) bool {
	if key, ok := r.where(ctx, dest); ok {
		return r.st.present(key, sum) && !r.lacking(key, sum)
	}
	for _, k := range r.st.driveKeys(dest) {
		if r.st.present(k, sum) {
			return true
		}
	}
	return false
}

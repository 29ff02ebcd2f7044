// Package check checks the backups stored at a destination without
// reading all of them every time: every backup's cheap facts (listed,
// size, the destination's identity of the object) are compared with what
// the verification file remembers, and a subset chosen as restic's
// --read-data-subset does is read in full. A backup never read before,
// or changed since it was, is always read.
package check

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/schedule"
)

// Subset is which backups a check reads in full, besides those it must
// (never read, or changed). The zero Subset reads none of the others.
type Subset struct {
	// N and T: read the N-th (1-based) of T groups. Backups are put in
	// groups by their name, so a backup stays in its group as others come
	// and go.
	N, T int
	// Percent: read this share of the backups, picked at random.
	Percent float64
	// Bytes: read backups picked at random until this many bytes.
	Bytes int64
}

// ErrBadSubset is wrapped by ParseSubset's errors.
var ErrBadSubset = errors.New("not a subset")

// ParseSubset reads "N/T", "P%" or a size (parsed by size, such as
// "500M"), as restic's --read-data-subset.
func ParseSubset(s string, size func(string) (int64, error)) (Subset, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		n, t, err := schedule.ParseGroup(s)
		if err != nil {
			return Subset{}, fmt.Errorf("%w: %v", ErrBadSubset, err)
		}
		return Subset{N: n, T: t}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || !(v > 0) || v > 100 { // !(v > 0): NaN too
			return Subset{}, fmt.Errorf("%w: %q (a percentage is above 0 and at most 100)", ErrBadSubset, s)
		}
		return Subset{Percent: v}, nil
	}
	if size == nil {
		return Subset{}, fmt.Errorf("%w: %q (use N/T or P%%)", ErrBadSubset, s)
	}
	b, err := size(s)
	if err != nil {
		return Subset{}, fmt.Errorf("%w: %q (use N/T, P%% or a size): %v", ErrBadSubset, s, err)
	}
	return Subset{Bytes: b}, nil
}

// Group returns the group (0 to t-1) of the backup called name.
func Group(name string, t int) int {
	sum := sha256.Sum256([]byte(name))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(t))
}

// Status is what the check found of one backup.
type Status string

// The statuses of a backup.
const (
	// Unchanged: same size and identity as when it last verified; not read.
	Unchanged Status = "unchanged"
	// Verified: read in full now, and it verified.
	Verified Status = "verified"
	// Failed: it did not verify, now or (unchanged since) before.
	Failed Status = "failed"
	// Unreadable: it could not be read now (network, permission); nothing
	// is known of its bytes and nothing is recorded.
	Unreadable Status = "unreadable"
)

// Result is one backup's outcome.
type Result struct {
	destinations.Entry
	Status Status `json:"status"`
	// Read is set when it was read in full by this check.
	Read bool `json:"read"`
	// Error says why it failed or could not be read.
	Error string `json:"error,omitempty"`
}

// Report is a check's outcome, backups oldest first.
type Report struct {
	Dest    string   `json:"dest"`
	Results []Result `json:"backups"`
	// Group is the group read (1-based) when the subset is N/T.
	Group     int   `json:"group,omitempty"`
	Groups    int   `json:"groups,omitempty"`
	ReadCount int   `json:"read"`
	ReadBytes int64 `json:"read_bytes"`
	// Ignored counts the other files at the destination, as ls does.
	Ignored int `json:"other_files_ignored"`
}

// Failed returns the backups that failed.
func (r *Report) Failed() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == Failed {
			out = append(out, res)
		}
	}
	return out
}

// Count returns how many backups have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// ErrFailed is wrapped by Run's error when a backup did not verify.
var ErrFailed = errors.New("a backup did not verify")

// ErrUnreadable is wrapped by Run's error when a backup it had to read
// could not be read (a drive pulled out, a dropped connection): nothing
// is known of it, so the check did not pass. ErrFailed goes first.
var ErrUnreadable = errors.New("a backup could not be read")

// Options are a check's settings.
type Options struct {
	Subset Subset
	// Rotate makes an N/T subset move on by one group on each run (the
	// run count is kept in the memo), so T runs read every group.
	Rotate bool
	// Verify is the check a backup must pass (backup.IntegrityCheck).
	Verify destinations.Check
	// Memo is what is known of the destination; results are recorded in
	// it (the caller saves it).
	Memo *schedule.Memo
	// Rand picks random subsets; nil means a fresh random source.
	Rand *rand.Rand
	// Now is the records' clock; nil means time.Now.
	Now func() time.Time
}

// folderChecker is a destination whose folder can be missing after
// opening (Proton Drive's, made by the first backup).
type folderChecker interface {
	CheckFolder(ctx context.Context) error
}

// Run checks every backup at dest: the files ls lists (named like a
// backup, or recognised by their content; job.IsBackup) and any file
// whose last read here verified, which may be damaged past recognition
// since. Other files (the rest of a Downloads folder) are counted in
// Report.Ignored, never read in full, and not recorded; a file that could
// not be read to tell is Unreadable, since it may be a backup. It returns
// an error wrapping ErrFailed, naming the backups, when any failed, else
// one wrapping ErrUnreadable when any could not be read; a destination
// that cannot be listed is an error and no report. A check ctx ends
// before its end returns ctx's error and no report: a read it cut short
// is no result (neither failed nor unreadable) and is not recorded,
// while what the reads that finished found stays recorded in the memo.
func Run(ctx context.Context, dest destinations.Destination, opts Options) (*Report, error) {
	// A cloud folder no backup made yet lists as empty: a check of it
	// fails, as ls does, rather than pass with nothing and forget what
	// was recorded.
	if f, ok := dest.(folderChecker); ok {
		if err := f.CheckFolder(ctx); err != nil {
			return nil, err
		}
	}
	listing, err := dest.List(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Dest: dest.Spec(), Results: []Result{}} // [] in JSON, never null
	var entries []destinations.Entry
	// unreadable holds the files that could not be read to tell whether
	// they are backups: they may be, so the check cannot pass.
	unreadable := map[string]error{}
	for _, e := range listing {
		if opts.Memo.VerifiedOK(e.Name) {
			entries = append(entries, e)
			continue
		}
		ok, err := job.IsBackup(ctx, dest, e)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			unreadable[e.Name] = err
			entries = append(entries, e)
		case ok:
			entries = append(entries, e)
		default:
			rep.Ignored++
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	listed := map[string]bool{}
	for _, e := range entries {
		listed[e.Name] = true
	}
	opts.Memo.ForgetUnlisted(listed)

	// The subset to read besides what must be read.
	chosen := map[string]bool{}
	s := opts.Subset
	switch {
	case s.T > 0:
		g := s.N - 1
		if opts.Rotate {
			g = (g + opts.Memo.Runs()) % s.T
		}
		rep.Group, rep.Groups = g+1, s.T
		for _, e := range entries {
			if Group(e.Name, s.T) == g {
				chosen[e.Name] = true
			}
		}
	case s.Percent > 0:
		want := int(float64(len(entries))*s.Percent/100 + 0.999999)
		for _, i := range rnd.Perm(len(entries))[:min(want, len(entries))] {
			chosen[entries[i].Name] = true
		}
	case s.Bytes > 0:
		budget := s.Bytes
		for _, i := range rnd.Perm(len(entries)) {
			if entries[i].Size > budget {
				continue
			}
			budget -= entries[i].Size
			chosen[entries[i].Name] = true
		}
	}

	idr, _ := dest.(destinations.Identifier)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res := Result{Entry: e}
		if err, ok := unreadable[e.Name]; ok {
			res.Status, res.Error = Unreadable, reason(err, e)
			rep.Results = append(rep.Results, res)
			continue
		}
		identity := ""
		if idr != nil {
			if id, err := idr.Identity(ctx, e.Name); err == nil {
				identity = id
			}
		}
		prev, known := opts.Memo.Lookup(e.Name, e.Size, identity)
		switch {
		case known && !prev.OK():
			res.Status, res.Error = Failed, reason(errors.New(prev.Error), e)+" (unchanged since "+prev.At.Format(time.RFC3339)+")"
		case known && !chosen[e.Name]:
			res.Status = Unchanged
		default:
			if res, err = readFull(ctx, dest, e, identity, opts.Verify, opts.Memo, now()); err != nil {
				return nil, err
			}
			if res.Read {
				rep.ReadCount++
				rep.ReadBytes += e.Size
			}
		}
		rep.Results = append(rep.Results, res)
	}
	opts.Memo.CountRun()
	if failed := rep.Failed(); len(failed) > 0 {
		names := make([]string, len(failed))
		for i, f := range failed {
			names[i] = backup.QuoteName(f.Location) + ": " + f.Error
		}
		return rep, fmt.Errorf("%w: %s", ErrFailed, strings.Join(names, "; "))
	}
	var unreadableNames []string
	for _, res := range rep.Results {
		if res.Status == Unreadable {
			unreadableNames = append(unreadableNames, backup.QuoteName(res.Location)+": "+res.Error)
		}
	}
	if len(unreadableNames) > 0 {
		return rep, fmt.Errorf("%w: %s", ErrUnreadable, strings.Join(unreadableNames, "; "))
	}
	return rep, nil
}

// reason is why e failed or could not be read, for a result that names
// its location: err's text without the location again (see
// errloc.Reason).
func reason(err error, e destinations.Entry) string {
	return errloc.Reason(err, append(destinations.Spellings(e.Location), e.Location, e.Name)...)
}

// readFull reads e in full, verifies it and records the result. One that
// could not be read is Unreadable, not Read, and not recorded; one the
// destination found damaged as it fetched it (destinations.ErrDamaged)
// failed. A read ctx ended before it finished is no result: whatever
// error it surfaced (a read error, damage) says nothing of the backup, so
// nothing is recorded and ctx's error is returned. One that finished is a
// result, recorded, however soon ctx ends after.
func readFull(ctx context.Context, dest destinations.Destination, e destinations.Entry, identity string, verify destinations.Check, memo *schedule.Memo, at time.Time) (Result, error) {
	res := Result{Entry: e}
	r, err := dest.Open(ctx, e.Name)
	if err != nil && ctx.Err() != nil {
		return res, ctx.Err()
	}
	if errors.Is(err, destinations.ErrDamaged) {
		// The destination read it and found it damaged: failed, and
		// recorded as such, as a backup that fails its check.
		res.Status, res.Error, res.Read = Failed, reason(err, e), true
		memo.Record(e.Name, e.Size, identity, nil, at, err)
		return res, nil
	}
	if err != nil {
		res.Status, res.Error = Unreadable, reason(err, e)
		return res, nil
	}
	defer r.Close()
	sum, err := schedule.VerifyAndSum(ctx, verify, r)
	var readErr *schedule.SumReadError
	switch {
	case err != nil && ctx.Err() != nil:
		return res, ctx.Err()
	case errors.As(err, &readErr):
		res.Status, res.Error = Unreadable, reason(err, e)
		return res, nil
	case err != nil:
		res.Status, res.Error = Failed, reason(err, e)
	default:
		res.Status = Verified
	}
	res.Read = true
	// Recorded even without an identity, which never matches: the failure
	// is reported, the backup read again next time.
	memo.Record(e.Name, r.Size(), identity, sum, at, err)
	return res, nil
}

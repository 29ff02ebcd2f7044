package schedule

import (
	"context"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
)

// Dated is a backup with the time it was made, read from its name.
type Dated struct {
	destinations.Entry
	Time time.Time
}

// Apply splits backups by restic's forget rules: newest first, keep-last
// keeps the newest N; keep-daily (weekly, monthly) keeps the newest backup
// of each of the N newest days (ISO weeks, months) that have one; a rule
// that still has count left at the oldest backup keeps it, so history is
// as long as the counts allow. A backup is kept when any rule keeps it.
// With no rule set everything is kept, and so it is with a count below
// zero (which Check refuses): a mistake in a count never deletes. keep
// and remove are newest first.
func (r Retention) Apply(backups []Dated) (keep, remove []Dated) {
	list := slices.Clone(backups)
	slices.SortStableFunc(list, func(a, b Dated) int { return b.Time.Compare(a.Time) })
	if r.Empty() || r.Check() != nil {
		return list, nil
	}
	type bucket struct {
		count int
		key   func(i int, t time.Time) int
		last  int
	}
	buckets := []*bucket{
		{count: r.KeepLast, key: func(i int, _ time.Time) int { return i }},
		{count: r.KeepDaily, key: func(_ int, t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }},
		{count: r.KeepWeekly, key: func(_ int, t time.Time) int { y, w := t.ISOWeek(); return y*100 + w }},
		{count: r.KeepMonthly, key: func(_ int, t time.Time) int { return t.Year()*100 + int(t.Month()) }},
	}
	for _, b := range buckets {
		b.last = -1
	}
	for i, d := range list {
		kept := false
		for _, b := range buckets {
			if b.count <= 0 {
				continue
			}
			if k := b.key(i, d.Time); k != b.last || i == len(list)-1 {
				kept = true
				b.last = k
				b.count--
			}
		}
		if kept {
			keep = append(keep, d)
		} else {
			remove = append(remove, d)
		}
	}
	return keep, remove
}

// NegativeKeepError is a retention count below zero: Rule is its key in
// the config ("keep_last", "keep_daily", "keep_weekly", "keep_monthly").
type NegativeKeepError struct {
	Rule string
	N    int
}

// Error implements error.
func (e *NegativeKeepError) Error() string { return fmt.Sprintf("%s: %d is negative", e.Rule, e.N) }

// Check returns a *NegativeKeepError for the first count of r below zero.
// Apply keeps everything for such an r: every rule would keep nothing, so
// every copy would be deleted.
func (r Retention) Check() error {
	for _, k := range []struct {
		rule string
		n    int
	}{{"keep_last", r.KeepLast}, {"keep_daily", r.KeepDaily}, {"keep_weekly", r.KeepWeekly}, {"keep_monthly", r.KeepMonthly}} {
		if k.n < 0 {
			return &NegativeKeepError{Rule: k.rule, N: k.n}
		}
	}
	return nil
}

// BackupStore is the part of a destination pruning needs.
type BackupStore interface {
	List(ctx context.Context) ([]destinations.Entry, error)
	Open(ctx context.Context, name string) (destinations.Reader, error)
	Delete(ctx context.Context, name string) error
}

// Rejected is a file named like one of the job's backups that did not
// verify as a backup. Pruning never deletes it.
type Rejected struct {
	destinations.Entry
	Err error
}

// PrunePlan is what pruning kept, removed (or, in a dry run, would
// remove) and left alone because it did not verify. Lists are newest
// first.
type PrunePlan struct {
	Keep     []Dated
	Remove   []Dated
	Rejected []Rejected
}

// Pruner prunes one job's backups from a store.
type Pruner struct {
	Store BackupStore
	// Verify checks that a stored file is a whole, intact backup; the CLI
	// passes backup.IntegrityCheck.
	Verify destinations.Check
	// Location is the time zone backup names are written in (time.Local
	// in production).
	Location *time.Location
	// DryRun computes the plan without deleting anything.
	DryRun bool
	// Memo, when set and the store is a destinations.Identifier, holds
	// the last full read of each backup: one whose size and identity are
	// unchanged counts as it was then without being read again; any other
	// is read in full and the result recorded in Memo (the caller saves
	// it).
	Memo *Memo
	// Now is the clock of the records (time.Now when nil).
	Now func() time.Time
}

// Prune applies job's retention to the backups in the store that job made
// (matched by name) and that verify as backups. newest, when its Name is
// not empty, is the backup just made: pruning refuses to run unless it is
// listed and verifies. The newest good backup is never removed, nor is
// anything that does not verify. Deletions go oldest first and stop at the
// first error.
func (p Pruner) Prune(ctx context.Context, job Job, newest destinations.Entry) (PrunePlan, error) {
	var plan PrunePlan
	entries, err := p.Store.List(ctx)
	if err != nil {
		return plan, fmt.Errorf("prune %s: list backups: %w", job.Name, err)
	}
	loc := p.Location
	if loc == nil {
		loc = time.Local
	}
	// Only the job's own backups, by their dated names; every other
	// file, a backup or not, is left out of the plan unread. This is not
	// job.List: that one tells backups from other files for ls and check
	// by a name or the first bytes, which is not enough to delete by.
	var ours []Dated
	foundNewest := newest.Name == ""
	for _, e := range entries {
		t, ok := ParseBackupName(job.Name, e.Name, loc)
		if !ok {
			continue
		}
		ours = append(ours, Dated{Entry: e, Time: t})
		if e.Name == newest.Name {
			foundNewest = true
		}
	}
	if !foundNewest {
		return plan, fmt.Errorf("prune %s: the new backup %s is not listed at the destination; nothing deleted", job.Name, newest.Name)
	}
	if job.Retention.Empty() {
		plan.Keep, _ = job.Retention.Apply(ours)
		return plan, nil
	}
	var good []Dated
	for _, d := range ours {
		if err := p.verify(ctx, d.Entry); err != nil {
			if ctx.Err() != nil {
				return plan, fmt.Errorf("prune %s: %w", job.Name, ctx.Err())
			}
			if d.Name == newest.Name {
				return plan, fmt.Errorf("prune %s: the new backup %s does not verify (%v); nothing deleted", job.Name, d.Name, err)
			}
			plan.Rejected = append(plan.Rejected, Rejected{Entry: d.Entry, Err: err})
			continue
		}
		good = append(good, d)
	}
	plan.Keep, plan.Remove = job.Retention.Apply(good)
	// Apply keeps the newest whenever a rule is set; this guards the
	// promise against any future change of the rules.
	if len(plan.Keep) == 0 && len(plan.Remove) > 0 {
		plan.Keep, plan.Remove = plan.Remove[:1], plan.Remove[1:]
	}
	// The backup just made is kept even if a clock change dated it before
	// older ones.
	if i := slices.IndexFunc(plan.Remove, func(d Dated) bool { return d.Name == newest.Name }); i >= 0 {
		plan.Keep = append(plan.Keep, plan.Remove[i])
		plan.Remove = slices.Delete(plan.Remove, i, i+1)
	}
	if p.DryRun {
		return plan, nil
	}
	for i := len(plan.Remove) - 1; i >= 0; i-- {
		name := plan.Remove[i].Name
		if err := p.Store.Delete(ctx, name); err != nil && !errors.Is(err, destinations.ErrNotFound) {
			return plan, fmt.Errorf("prune %s: delete %s: %w", job.Name, name, err)
		}
		p.Memo.Forget(name)
	}
	return plan, nil
}

// verify checks the backup e, trusting the memo when the stored object is
// the one it last read.
func (p Pruner) verify(ctx context.Context, e destinations.Entry) error {
	identity := ""
	if idr, ok := p.Store.(destinations.Identifier); ok && p.Memo != nil {
		// An object that cannot be identified is read in full.
		if id, err := idr.Identity(ctx, e.Name); err == nil {
			identity = id
			if v, ok := p.Memo.Lookup(e.Name, e.Size, id); ok {
				if v.OK() {
					return nil
				}
				return fmt.Errorf("%w (unchanged since %s)", errors.New(v.Error), v.At.Format(time.RFC3339))
			}
		}
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	r, err := p.Store.Open(ctx, e.Name)
	if err != nil {
		err = fmt.Errorf("open: %w", err)
		if p.Memo != nil && errors.Is(err, destinations.ErrDamaged) {
			// Fetched and found damaged: as a failed check, remembered
			// until the stored object changes.
			p.Memo.Record(e.Name, e.Size, identity, nil, now(), err)
		}
		return err
	}
	defer r.Close()
	sum, err := VerifyAndSum(ctx, p.Verify, r)
	var readErr *SumReadError
	// Recorded even without an identity, which never matches: the failure
	// is reported, the backup read again next time.
	if p.Memo != nil && ctx.Err() == nil && !errors.As(err, &readErr) {
		p.Memo.Record(e.Name, r.Size(), identity, sum, now(), err)
	}
	return err
}

// SumReadError is a read error met while verifying or summing a backup;
// it says nothing of the backup itself.
type SumReadError struct{ Err error }

func (e *SumReadError) Error() string { return "read: " + e.Err.Error() }
func (e *SumReadError) Unwrap() error { return e.Err }

// VerifyAndSum runs verify on the stored backup r and, when it passes,
// returns the SHA-512 of its bytes. A read error while summing, or while
// verifying when verify fails, is a *SumReadError: the format's check
// words a failure to read as damage, which says nothing of the backup
// when the drive was pulled out or the connection dropped.
func VerifyAndSum(ctx context.Context, verify destinations.Check, r destinations.Reader) ([]byte, error) {
	rec := &job.ReadRecorder{R: r}
	if err := verify(ctx, rec, r.Size()); err != nil {
		if rerr := rec.First(); rerr != nil {
			return nil, &SumReadError{Err: rerr}
		}
		return nil, err
	}
	h := sha512.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, r.Size())); err != nil {
		return nil, &SumReadError{Err: err}
	}
	return h.Sum(nil), nil
}

package job

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// Backup is a backup to make from a wallet data folder.
type Backup struct {
	// Source is the wallet app's data folder; Settings, when set, the
	// app's settings JSON, stored as ~_preferences_dump.
	Source, Settings string
	// Dests are the --dest specs to store it at; at least one.
	Dests []string
	// Name is the backup's name; "" means BackupName("", Now).
	Name string
	// Password seals the backup.
	Password string
	// ForApp is the app that will restore it, one of TargetApps; ""
	// means the first.
	ForApp string
	// AppVersion names the program that made it (cakeVersion and
	// README.txt's "App version:" line), e.g. "cakebackup 0.1.0".
	AppVersion string
	// Now is the creation time; zero means time.Now().
	Now time.Time
	// OnCollected, when set, is called once the source is collected,
	// before anything is written; again for each new attempt (see
	// RetryWaits), which collects the source again.
	OnCollected func(src *backup.Source)
	// OnProgress, when set, is called with plaintext bytes consumed,
	// counting from 0 again in each attempt.
	OnProgress func(n int64)
	// VerifyFull makes each destination's read-back check run the whole
	// integrity check (every chunk's SHA-512 and BLAKE2b) besides
	// comparing the stored bytes with what was written.
	VerifyFull bool
	// RetryWaits are the waits before each new attempt when a file
	// changed while it was read (backup.ErrSourceChanged): one attempt
	// more than there are waits. nil means DefaultRetryWaits; an empty
	// slice that is not nil, a single attempt.
	RetryWaits []time.Duration
	// OnRetry, when set, is called when a file changed while it was read
	// and Make is about to wait before attempt number attempt of of; err
	// is the *backup.ChangedError. RetryNote words it.
	OnRetry func(attempt, of int, wait time.Duration, err error)
}

// DefaultRetryWaits are the waits between Make's attempts when a file
// changed while it was read: a wallet app saving a wallet writes it for
// a moment, and the second wait gives a slow save more time. Three
// attempts in all.
func DefaultRetryWaits() []time.Duration { return []time.Duration{2 * time.Second, 5 * time.Second} }

// RetryNote is the one line that reports a retry (see Backup.OnRetry):
// "PATH changed while it was being read; trying again in 2 s (attempt 2
// of 3)", or "PATH was replaced while..." (see backup.ChangedError).
func RetryNote(attempt, of int, wait time.Duration, err error) string {
	what := "a file changed"
	if ce := (*backup.ChangedError)(nil); errors.As(err, &ce) {
		what = backup.QuoteName(ce.Path) + " " + ce.What()
	}
	return fmt.Sprintf("%s while it was being read; trying again in %s (attempt %d of %d)", what, formatWait(wait), attempt, of)
}

// formatWait writes a wait in seconds ("2 s", "2.5 s"), or in
// milliseconds when shorter than a second.
func formatWait(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " s"
}

// Made is a backup Make produced.
type Made struct {
	// Name is the name it was made under (a destination may have stored
	// it under another when that one was taken: see Stores).
	Name    string
	Summary *backup.Summary
	// Skipped are the source entries that were not backed up, one line
	// each.
	Skipped []string
	// Stores is the outcome at each destination.
	Stores Stores
}

// Make collects b.Source, produces the encrypted backup once and streams
// it to every destination in b.Dests at the same time; no copy of it,
// plain or encrypted, is kept anywhere else. Each destination then reads
// its copy back from its medium and checks it before publishing it: the
// bytes must be those written (a digest taken while writing) and open as
// a backup; with b.VerifyFull, every chunk's checksums are checked too.
//
// A destination that fails (cannot be opened, runs out of room, fails its
// check) drops out without stopping the others. Make returns a non-nil
// *Made whenever the backup was produced, with each destination's
// outcome, and an error when any destination failed (Stores.Err). When
// the backup cannot be produced at all (a missing source, a cancelled
// context) it returns that error and nothing is left at any destination.
func Make(ctx context.Context, open Opener, b Backup) (*Made, error) {
	if b.Password == "" {
		return nil, ErrNoPassword
	}
	if b.ForApp == "" {
		b.ForApp = TargetApps()[0]
	}
	app, ok := TargetApp(b.ForApp)
	if !ok {
		return nil, &UnknownAppError{App: b.ForApp}
	}
	b.ForApp = app
	if err := checkDests(b.Dests); err != nil {
		return nil, err
	}
	if b.Now.IsZero() {
		b.Now = time.Now()
	}
	if b.Name == "" {
		b.Name = BackupName("", b.Now)
	}
	if problem := backup.NameProblem(b.Name); problem != "" {
		return nil, &NameError{Name: b.Name, Problem: problem}
	}
	// A folder given by its path is known to be inside the source before
	// the source is walked (it may be large: it holds backups); others
	// once they are open.
	if err := folderSpecsNotInSource(b.Source, b.Dests); err != nil {
		return nil, err
	}
	src, err := backup.Collect(ctx, b.Source, b.Settings)
	if err != nil {
		return nil, err
	}
	if b.OnCollected != nil {
		b.OnCollected(src)
	}
	dests, stores := openAll(ctx, open, b.Dests)
	defer closeAll(dests)
	if err := checkOpened(b.Dests, dests, stores); err != nil {
		return nil, err
	}
	if err := CheckNotInSource(b.Source, b.Dests, dests); err != nil {
		return nil, err
	}
	if err := stores.allFailed(); err != nil {
		return nil, err
	}
	waits := b.RetryWaits
	if waits == nil {
		waits = DefaultRetryWaits()
	}
	for attempt := 1; ; attempt++ {
		made, err := b.produce(ctx, src, dests, stores)
		if made != nil || !errors.Is(err, backup.ErrSourceChanged) || attempt > len(waits) {
			return made, err
		}
		wait := waits[attempt-1]
		if b.OnRetry != nil {
			b.OnRetry(attempt+1, len(waits)+1, wait, err)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		if src, err = backup.Collect(ctx, b.Source, b.Settings); err != nil {
			return nil, err
		}
		if b.OnCollected != nil {
			b.OnCollected(src)
		}
	}
}

// produce is one attempt of Make: it writes src to a pending backup at
// each destination still in the running (dests[i] opened, stores[i]
// without an error) and commits each one that checks. Only a failure to
// produce the backup returns a nil *Made, and then every pending backup
// is aborted: nothing of the attempt is left at any destination.
func (b Backup) produce(ctx context.Context, src *backup.Source, dests []destinations.Destination, stores Stores) (*Made, error) {
	fan := &fanOut{stores: stores, digest: newStreamDigest()}
	defer fan.abortAll(ctx)
	size := backup.EstimateSize(src)
	for i, d := range dests {
		if d == nil || stores[i].Err != nil {
			continue
		}
		p, err := d.Create(ctx, b.Name, size)
		if err != nil {
			stores[i].Err = atDest("backup to", d.Spec(), err)
			continue
		}
		fan.add(i, "backup to", d.Spec(), p)
	}
	if err := stores.allFailed(); err != nil {
		return nil, err
	}

	// The record's SHA-512 is taken as the bytes are written, on the
	// goroutine that writes the sealed chunks in order, along with each
	// chunk's (SumOutput); the read-back tells whether it is that of the
	// stored bytes (storedSum).
	sum, err := backup.Write(ctx, fan, src, backup.WriteOptions{
		Password:   b.Password,
		AppName:    b.ForApp,
		AppVersion: b.AppVersion,
		Now:        b.Now,
		OnProgress: b.OnProgress,
		SumOutput:  true,
	})
	if err != nil {
		return nil, fan.writeErr(err)
	}
	// The write pipeline's chunk buffers are garbage now. Hand them back
	// before the read-back checks allocate their own, so that peak memory
	// is that of one phase, not of both.
	debug.FreeOSMemory()
	record := storedSum{sum: sum.OutputSHA512}
	fan.commitAll(ctx, readBackCheck(fan.digest, b.VerifyFull, &record))
	identify(ctx, dests, stores, record.hex())
	return &Made{Name: b.Name, Summary: sum, Skipped: src.Skipped, Stores: stores}, stores.Err()
}

// sleep waits for d, or until ctx ends, and then returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// allFailed returns an error when no destination is left to write to.
func (s Stores) allFailed() error {
	for _, st := range s {
		if st.Err == nil {
			return nil
		}
	}
	return s.Err()
}

// fanOut writes one stream to several pending backups. A pending backup
// whose Write fails is aborted and dropped, its error recorded in its
// Stored; the stream fails only when none is left.
type fanOut struct {
	stores  Stores
	pending []pendingAt
	digest  *streamDigest // of every byte written
	// keepGoing keeps the stream going when no destination is left, for
	// its digests (Send's check reads the file anyway).
	keepGoing bool
}

// pendingAt is a pending backup, the index of its destination and what
// its errors start with ("backup to SPEC").
type pendingAt struct {
	i    int
	what string // "backup to", "sending to"
	spec string // the destination's
	p    destinations.Pending
}

// fail is the error of the backup pending at pa: what it was doing and
// where, then why, naming the destination once (see atDest).
func (pa pendingAt) fail(err error) error { return atDest(pa.what, pa.spec, err) }

func (f *fanOut) add(i int, what, spec string, p destinations.Pending) {
	f.pending = append(f.pending, pendingAt{i: i, what: what, spec: spec, p: p})
}

// atDest is err from doing what at the destination spec: "what SPEC:
// err", or err alone when its text names the destination already (by its
// spec or by the path it stands for: see destinations.Spellings).
func atDest(what, spec string, err error) error {
	return errloc.Wrap(err, what+" "+spec, destinations.Spellings(spec)...)
}

// errNoneLeft stops the stream once every destination has failed; the
// caller reports the destinations' own errors instead.
var errNoneLeft = errors.New("every destination failed")

func (f *fanOut) Write(b []byte) (int, error) {
	f.digest.Write(b)
	live := f.pending[:0]
	for _, pa := range f.pending {
		if _, err := pa.p.Write(b); err != nil {
			f.stores[pa.i].Err = pa.fail(err)
			_ = pa.p.Abort(context.Background())
			continue
		}
		live = append(live, pa)
	}
	f.pending = live
	if len(live) == 0 && !f.keepGoing {
		return 0, errNoneLeft
	}
	return len(b), nil
}

// writeErr is the error of a failed Write: the destinations' errors when
// they all failed, else the producer's (the source, the context).
func (f *fanOut) writeErr(err error) error {
	if len(f.pending) == 0 {
		if e := f.stores.Err(); e != nil {
			return e
		}
	}
	return err
}

// commitAll commits each pending backup in turn with check, recording the
// outcome.
func (f *fanOut) commitAll(ctx context.Context, check destinations.Check) {
	for _, pa := range f.pending {
		e, err := pa.p.Commit(ctx, check)
		if err != nil {
			f.stores[pa.i].Err = pa.fail(err)
			continue
		}
		f.stores[pa.i].Entry = e
	}
	f.pending = nil
}

// abortAll aborts whatever was not committed. It uses its own context:
// ctx may be why we are aborting.
func (f *fanOut) abortAll(ctx context.Context) {
	for _, pa := range f.pending {
		_ = pa.p.Abort(context.WithoutCancel(ctx))
	}
	f.pending = nil
}

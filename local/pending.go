package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/filelock"
	"github.com/cakebackup/cakebackup/internal/directio"
)

// tempMarker is part of every temporary file's name:
// ".NAME.cakebackup-tmp-PID-RANDOM". List never shows such files. The PID
// is for people; whether the writer is alive is told by a lock its
// writer holds on the file until it is published or removed.
const tempMarker = ".cakebackup-tmp-"

// maxNameTries bounds the NAME-2, NAME-3... search for a free name.
const maxNameTries = 10000

// pendingFile is a backup being written to a hidden temporary file in its
// folder. Commit flushes it, reads it back for the check and only then
// renames it to its final name, never replacing an existing file.
type pendingFile struct {
	dir     *dirHandle
	name    string // the wanted final name
	tmpName string
	file    *os.File         // nil once closed
	direct  *directio.Writer // when not nil, writes go through it to file
	flusher *flusher         // flushes a direct file while it is written
	kicked  int64            // bytes written at the flusher's last kick
	lock    *os.File         // holds the file's lock while the backup is unfinished
	err     error            // the first write error; the temp file is gone then
	written int64            // bytes written
	started int64            // bytes whose writeback was started (startWriteback)
	done    bool             // committed, aborted or failed
	where   string           // the folder, for messages
}

// Backups of at least directMin bytes (by their size hint) are written
// directly (directio), directBuffer bytes at a time: the kernel then
// neither copies them into the page cache nor writes them out of it at
// the flush, and the read-back finds nothing of them cached. Smaller ones
// go through the page cache, where a write error shows at once.
const (
	directMin    = 64 << 20
	directBuffer = 8 << 20
)

// createPending opens a new temporary file for name in dir; sizeHint is
// the backup's expected size, or -1.
func createPending(ctx context.Context, dirPath, name string, sizeHint int64) (*pendingFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	op := fmt.Sprintf("starting backup %s in %s", name, dirPath)
	dir, err := openDir(dirPath)
	if err != nil {
		return nil, explain(op, err)
	}
	var file *os.File
	var tmpName string
	for range 100 {
		tmpName = fmt.Sprintf(".%s%s%d-%s", name, tempMarker, os.Getpid(), randomSuffix())
		file, err = dir.createExclusive(tmpName)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		dir.close()
		return nil, explain(op, err)
	}
	p := &pendingFile{dir: dir, name: name, tmpName: tmpName, file: file, where: dirPath}
	// The lock is on a second handle, which stays open while the writer's
	// is closed for the read-back, so the file is never unlocked before
	// it is published or removed.
	if p.lock, err = dir.openRead(tmpName); err == nil {
		err = filelock.TryLock(p.lock)
	}
	if err != nil {
		return nil, p.fail(explain(op, err))
	}
	if sizeHint >= directMin {
		p.direct = directio.NewWriter(file, directBuffer)
		if p.direct != nil {
			p.flusher = newFlusher(file)
		}
	}
	return p, nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// Write appends p to the temporary file. After the first failure the
// temporary file is removed at once (freeing a full drive) and every
// later call returns the same error.
func (p *pendingFile) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if p.done {
		return 0, fmt.Errorf("writing backup %s: already finished", p.name)
	}
	var n int
	var err error
	if p.direct != nil {
		n, err = p.direct.Write(b)
	} else {
		n, err = p.file.Write(b)
	}
	if err != nil {
		p.err = p.fail(explain(fmt.Sprintf("writing backup %s to %s", p.name, p.where), err))
		return n, p.err
	}
	p.written += int64(n)
	if p.direct == nil && p.written-p.started >= writeBehind {
		startWriteback(p.file, p.started, p.written-p.started)
		p.started = p.written
	}
	if p.flusher != nil && p.written-p.kicked >= flushBehind {
		p.flusher.kick()
		p.kicked = p.written
	}
	return n, nil
}

// writeBehind is how many written bytes gather before their writeback is
// started.
const writeBehind = 8 << 20

// flushBehind is how many bytes written directly gather before the
// flusher is asked to flush them to the medium.
const flushBehind = 64 << 20

// flusher flushes a file to its medium (fsync) in another goroutine
// each time it is kicked, while the file is still being written. Direct
// writes reach the disk but may sit in its volatile cache (or, in a
// virtual machine, the host's page cache) until a flush: flushing as the
// backup is written leaves the final fsync little to wait for, where it
// took a quarter of a second for 512 MiB. The final fsync is still made;
// a flush error is kept for it, since a later fsync on the same file may
// not report it again.
type flusher struct {
	f     *os.File
	kicks chan struct{}
	done  chan struct{}
	err   error // the first flush error; read after done is closed
}

func newFlusher(f *os.File) *flusher {
	fl := &flusher{f: f, kicks: make(chan struct{}, 1), done: make(chan struct{})}
	go fl.run()
	return fl
}

func (fl *flusher) run() {
	defer close(fl.done)
	for range fl.kicks {
		if fl.err == nil {
			fl.err = fl.f.Sync()
		}
	}
}

// kick asks for a flush; one asked for while another runs is made after
// it, and further ones are merged into it. It never blocks.
func (fl *flusher) kick() {
	select {
	case fl.kicks <- struct{}{}:
	default:
	}
}

// stop waits for the flushes asked for and returns the first error of
// any. It must be called once, before the file is closed.
func (fl *flusher) stop() error {
	close(fl.kicks)
	<-fl.done
	return fl.err
}

// Commit flushes the backup to the medium, reads it back through check
// and publishes it under its name, or NAME-2, NAME-3... if that is taken.
func (p *pendingFile) Commit(ctx context.Context, check destinations.Check) (destinations.Entry, error) {
	if p.err != nil {
		return destinations.Entry{}, p.err
	}
	if p.done {
		return destinations.Entry{}, fmt.Errorf("committing backup %s: already finished", p.name)
	}
	entry, err := p.commit(ctx, check)
	if err != nil {
		p.err = p.fail(err)
		return destinations.Entry{}, p.err
	}
	p.done = true
	p.unlock()
	p.dir.close()
	return entry, nil
}

// unlock lets go of the temporary file's lock.
func (p *pendingFile) unlock() {
	if p.lock != nil {
		filelock.Release(p.lock)
		p.lock = nil
	}
}

func (p *pendingFile) commit(ctx context.Context, check destinations.Check) (destinations.Entry, error) {
	op := fmt.Sprintf("saving backup %s to %s", p.name, p.where)
	if err := ctx.Err(); err != nil {
		return destinations.Entry{}, fmt.Errorf("%s: %w", op, err)
	}
	if p.direct != nil {
		if err := p.direct.Close(); err != nil {
			return destinations.Entry{}, explain(fmt.Sprintf("writing backup %s to %s", p.name, p.where), err)
		}
	}
	if err := p.stopFlusher(); err != nil {
		return destinations.Entry{}, explain(op, err)
	}
	if err := p.file.Sync(); err != nil {
		return destinations.Entry{}, explain(op, err)
	}
	info, err := p.file.Stat()
	if err != nil {
		return destinations.Entry{}, explain(op, err)
	}
	dropCache(p.file)
	err = p.file.Close()
	p.file = nil
	if err != nil {
		return destinations.Entry{}, explain(op, err)
	}
	if check != nil {
		if err := p.check(ctx, check); err != nil {
			return destinations.Entry{}, err
		}
	}
	if err := p.stillMounted(); err != nil {
		return destinations.Entry{}, explain(op, err)
	}
	final, err := p.publish()
	if err != nil {
		return destinations.Entry{}, explain(op, err)
	}
	if err := p.dir.sync(); err != nil {
		// The rename may not survive a power cut: take it back rather
		// than report a backup that might vanish.
		_ = p.dir.remove(final)
		return destinations.Entry{}, explain(op, err)
	}
	path := filepath.Join(p.where, final)
	return destinations.Entry{Name: final, Size: info.Size(), ModTime: info.ModTime(), Location: path}, nil
}

// check reopens the temporary file, so the bytes come from the medium
// rather than from the writer's buffers, and passes it to check. It reads
// directly (directio) where the file system allows, which reads the
// medium whatever is cached; elsewhere dropCache emptied the cache.
func (p *pendingFile) check(ctx context.Context, check destinations.Check) error {
	op := fmt.Sprintf("reading back backup %s from %s", p.name, p.where)
	r, err := p.dir.openRead(p.tmpName)
	if err != nil {
		return explain(op, err)
	}
	defer r.Close()
	info, err := r.Stat()
	if err != nil {
		return explain(op, err)
	}
	if err := check(ctx, directio.NewReaderAt(r), info.Size()); err != nil {
		return fmt.Errorf("checking backup %s in %s: %w", p.name, p.where, err)
	}
	return nil
}

// stillMounted fails when the folder's path no longer leads to the
// directory being written, as after a drive was unmounted mid-write:
// publishing there would put the backup where nobody will find it.
func (p *pendingFile) stillMounted() error {
	open, err := p.dir.stat()
	if err != nil {
		return err
	}
	now, err := os.Stat(p.where)
	if err != nil || !os.SameFile(open, now) {
		return &fs.PathError{Op: "stat", Path: p.where, Err: errDriveGone}
	}
	return nil
}

// publish renames the temporary file to the first free name of NAME,
// NAME-2, NAME-3...
func (p *pendingFile) publish() (string, error) {
	final := p.name
	for i := 2; i <= maxNameTries; i++ {
		err := p.dir.renameNoReplace(p.tmpName, final)
		if err == nil {
			return final, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		final = fmt.Sprintf("%s-%d", p.name, i)
	}
	return "", fmt.Errorf("no free name like %s after %d tries", p.name, maxNameTries)
}

// fail discards the temporary file after err and returns err, telling
// also when the temporary file could not be removed. A drive that failed
// the backup (pulled out, gone bad) most often fails the removal too, for
// the same reason: that reason is said once, with what is left.
func (p *pendingFile) fail(err error) error {
	derr := p.discard()
	if derr == nil {
		return err
	}
	if sameReason(err, derr) {
		return fmt.Errorf("%w; the unfinished file %s is left there, for the next backup there to remove", err, p.tmpName)
	}
	return fmt.Errorf("%w; also %v", err, derr)
}

// sameReason reports whether a and b are disk errors that say the same
// thing (the same plain reason and system error).
func sameReason(a, b error) bool {
	var da, db *diskError
	return errors.As(a, &da) && errors.As(b, &db) && da.plain == db.plain && systemText(da.err) == systemText(db.err)
}

// Abort removes the temporary file. It does nothing after Commit.
func (p *pendingFile) Abort(ctx context.Context) error {
	if p.done {
		return nil
	}
	return p.discard()
}

// discard closes and removes the temporary file and the directory handle.
func (p *pendingFile) discard() error {
	if p.done {
		return nil
	}
	p.done = true
	_ = p.stopFlusher()
	if p.file != nil {
		p.file.Close()
		p.file = nil
	}
	err := p.dir.remove(p.tmpName)
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	p.unlock()
	p.dir.close()
	if err != nil {
		return explain(fmt.Sprintf("removing the unfinished backup %s from %s", p.name, p.where), err)
	}
	return nil
}

// stopFlusher stops the flusher, if any is running, and returns its error.
func (p *pendingFile) stopFlusher() error {
	if p.flusher == nil {
		return nil
	}
	err := p.flusher.stop()
	p.flusher = nil
	return err
}

// isTempName reports whether name is a temporary file of an unfinished
// backup.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker)
}

package schedule

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cakebackup/cakebackup/filelock"
)

// ErrLocked is returned when another process holds a job's lock.
var ErrLocked = filelock.ErrLocked

// Lock is a held flock on a lock file. It is released when the process
// exits, even if it crashes.
type Lock struct {
	f *os.File
}

// LockJob takes the lock of job name in dir without waiting. It returns
// a *JobLockedError (wrapping ErrLocked) when another process holds it:
// a scheduler or a timer's run running the job, or a prune of its
// backups.
func LockJob(dir, name string) (*Lock, error) {
	if err := ValidateJobName(name); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, name+".lock")
	l, err := acquireLock(file, false)
	if errors.Is(err, ErrLocked) {
		return nil, &JobLockedError{Job: name, File: file}
	}
	if err != nil {
		return nil, &JobError{Job: name, Err: err}
	}
	return l, nil
}

// JobLockedError is a job whose lock another process holds: it is
// running the job (a scheduler, a timer's run, schedule run --now) or
// pruning its backups. It wraps ErrLocked.
type JobLockedError struct {
	Job  string
	File string // the lock file, which the other process holds open
}

// Error names the job, and the lock file by which the process holding it
// can be found (fuser, lsof).
func (e *JobLockedError) Error() string {
	return fmt.Sprintf("job %s is busy: another cakebackup process is running it or pruning its backups (it holds %s)", e.Job, e.File)
}

// Unwrap returns ErrLocked.
func (e *JobLockedError) Unwrap() error { return ErrLocked }

// JobName is the job the message names.
func (e *JobLockedError) JobName() string { return e.Job }

// LockFile takes the lock on the lock file path (created 0600 with its
// folder) without waiting. It returns ErrLocked when another process
// holds it.
func LockFile(path string) (*Lock, error) { return acquireLock(path, false) }

// acquireLock opens (creating 0600) and flocks path; wait says whether to
// block until the lock is free.
func acquireLock(path string, wait bool) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	take := filelock.TryLock
	if wait {
		take = filelock.Lock
	}
	if err := take(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Release drops the lock. The lock file stays, so that the next locker
// flocks the same inode.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := filelock.Release(l.f)
	l.f = nil
	return err
}

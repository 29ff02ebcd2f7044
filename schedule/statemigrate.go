package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sort"

	"github.com/cakebackup/cakebackup/internal/errloc"
)

// StateFor returns the state store of the jobs of the config file at
// file: state.json for the default config, state-HASH.json for another
// (see Paths.ForConfig).
//
// Before a config other than the default one had a state file of its
// own, its jobs' runs were recorded in state.json, by job name. So while
// its state-HASH.json does not exist yet, the records in state.json of
// the jobs of file that can be told to be its own are moved into it:
// those of the jobs whose name no job of the default config has. A job
// of both configs keeps its record in state.json, the default config's,
// and file's job of that name starts as never run. A migration that fails is logged
// on log (nil discards it) and the jobs start as never run: no backup
// depends on the state.
func (p Paths) StateFor(file string, log *slog.Logger) StateStore {
	own := p.ForConfig(file)
	store := StateStore{Path: own.State, Log: log}
	if own.State == p.State {
		return store
	}
	if moved, err := p.migrateState(file, own.State, log); err != nil && log != nil {
		log.Warn("cannot take this config's last runs from the shared state file; its jobs run as if they never had, and no backup was touched",
			"config", file, "from", p.State, "to", own.State, "error", errloc.OneLine(err.Error()))
	} else if len(moved) > 0 && log != nil {
		log.Info("moved this config's last runs from the shared state file to its own", "config", file, "jobs", moved, "from", p.State, "to", own.State)
	}
	return store
}

// migrateState moves the records in p.State of the jobs of the config
// file at file that no job of the default config (p.Config) shares a
// name with into the state file to, when to does not exist yet, and
// returns their names.
func (p Paths) migrateState(file, to string, log *slog.Logger) ([]string, error) {
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		return nil, nil // there already, or not to be touched
	}
	if _, err := os.Lstat(p.State); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // nothing to take
	}
	// The shared file's lock first, then the new one's, always in this
	// order: records made meanwhile are neither lost nor taken twice.
	oldLock, err := acquireLock(p.State+".lock", true)
	if err != nil {
		return nil, fmt.Errorf("lock state file: %w", err)
	}
	defer oldLock.Release()
	newLock, err := acquireLock(to+".lock", true)
	if err != nil {
		return nil, fmt.Errorf("lock state file: %w", err)
	}
	defer newLock.Release()
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		return nil, nil // made while we waited
	}
	// All of file's jobs, also when the run at hand runs a few of them
	// (--job): the migration happens once.
	c, err := LoadConfig(file)
	if err != nil {
		return nil, err
	}
	def, err := LoadConfig(p.Config)
	if err != nil {
		// Without the default config's job names, nothing can be told
		// to be file's.
		return nil, err
	}
	old, err := StateStore{Path: p.State, Log: log}.Load()
	if err != nil {
		return nil, err
	}
	taken := &State{Jobs: map[string]JobState{}}
	for _, j := range c.Jobs {
		rec, ok := old.Jobs[j.Name]
		if _, shared := def.Job(j.Name); !ok || shared {
			continue
		}
		taken.Jobs[j.Name] = rec
	}
	if len(taken.Jobs) == 0 {
		return nil, nil
	}
	if err := writeState(to, taken); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(taken.Jobs))
	for name := range taken.Jobs {
		names = append(names, name)
		delete(old.Jobs, name)
	}
	sort.Strings(names)
	// Taken out of the shared file, so that no other config takes them
	// too, and no job of that name added to the default config later
	// looks as if it had run.
	if err := writeState(p.State, old); err != nil {
		return nil, fmt.Errorf("records copied to %s, but not removed from %s: %w", to, p.State, err)
	}
	return names, nil
}

// writeState writes st to path atomically, mode 0600.
func writeState(path string, st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := WriteFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

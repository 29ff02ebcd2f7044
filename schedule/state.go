package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cakebackup/cakebackup/config"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// Results of a run, as recorded in the state file.
const (
	ResultOK      = "ok"
	ResultFailed  = "failed"
	ResultAborted = "aborted" // stopped by a signal; nothing was left behind
	// ResultSkipped: the run did not happen, and that is no failure:
	// another process was doing the job's work (see SkippedError).
	ResultSkipped = "skipped"
)

// JobState is what the state file remembers of one job's last run.
type JobState struct {
	// LastStart and LastEnd bound the last run; zero when it never ran.
	LastStart time.Time `json:"last_start"`
	LastEnd   time.Time `json:"last_end"`
	// LastResult is ResultOK, ResultFailed, ResultAborted or
	// ResultSkipped.
	LastResult string `json:"last_result,omitempty"`
	// LastError is the one-line error of a run that did not succeed, or
	// why it was skipped.
	LastError string `json:"last_error,omitempty"`
	// LastSuccess is when the last successful run started.
	LastSuccess time.Time `json:"last_success"`
	// LastBackup is where the last successful run stored its backup, and
	// LastSize its size in bytes.
	LastBackup string `json:"last_backup,omitempty"`
	LastSize   int64  `json:"last_size,omitempty"`
	// LastFix is what the person should do about the last failure, when
	// known ("plug in the stick labelled X"); notifications carry it.
	LastFix string `json:"last_fix,omitempty"`
	// LastOK is when the last run that ended without an error started;
	// a watch job's runs succeed without a backup when nothing is new.
	LastOK time.Time `json:"last_ok,omitzero"`
	// Notified is the condition the scheduler last told about: "ok",
	// "failing" or "overdue"; empty when it told nothing yet.
	Notified string `json:"notified,omitempty"`
	// RunningSince, RunningPID and RunningPIDStart mark a run in
	// progress: recorded as it starts, cleared when its end is recorded.
	// A mark whose process is gone is a run that was killed (kill -9, a
	// crash, the machine stopped) before it could record anything; status
	// shows it as interrupted. RunningPIDStart is when that process
	// started, as the system tells it (process.Started: Linux, macOS,
	// Windows), so that a new process given the killed one's id is not
	// taken for it; "" where the system does not tell, and the id alone
	// decides.
	RunningSince    time.Time `json:"running_since,omitzero"`
	RunningPID      int       `json:"running_pid,omitempty"`
	RunningPIDStart string    `json:"running_pid_start,omitempty"`
}

// State is the state file: per-job last runs, keyed by job name.
type State struct {
	Jobs map[string]JobState `json:"jobs"`
}

// StateStore reads and updates the state file. Updates from several
// processes are serialised with a lock file next to it.
type StateStore struct {
	// Path is the state file, e.g. ~/.local/state/cakebackup/state.json.
	Path string
	// Log gets a warning when a damaged state file is moved aside; nil
	// discards it.
	Log *slog.Logger
}

// damagedLayout dates a damaged state file moved aside.
const damagedLayout = "20060102T150405Z"

// Load reads the state; a missing file is an empty state. A file that is
// not a state file (not JSON, or not of its shape: a disk error, an
// editor's slip) is renamed PATH.damaged-TIME, with a warning, and the
// state starts afresh: the state only says when jobs last ran, so the
// jobs run again as if never run, and no backup is lost. A state file
// that cannot be read at all is an error.
func (s StateStore) Load() (*State, error) {
	for range 3 {
		data, err := os.ReadFile(s.Path)
		if errors.Is(err, fs.ErrNotExist) {
			return &State{Jobs: map[string]JobState{}}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read state: %w", err)
		}
		st := &State{}
		jerr := json.Unmarshal(data, st)
		if jerr == nil {
			if st.Jobs == nil {
				st.Jobs = map[string]JobState{}
			}
			return st, nil
		}
		moved, err := moveAside(s.Path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // another process moved it aside first: read afresh
		}
		if err != nil {
			return nil, fmt.Errorf("state file %s is damaged (%v) and cannot be moved aside: %w", s.Path, jerr, err)
		}
		if s.Log != nil {
			s.Log.Warn("the state file was damaged; moved it aside and starting afresh: every job runs as if it never ran, and no backup was touched",
				"file", s.Path, "moved_to", moved, "error", errloc.OneLine(jerr.Error()))
		}
	}
	return nil, fmt.Errorf("state file %s keeps changing while it is read", s.Path)
}

// moveAside renames the damaged file at path to path.damaged-TIME (with
// -N added when that is taken) and returns the new name.
func moveAside(path string) (string, error) {
	base := path + ".damaged-" + time.Now().UTC().Format(damagedLayout)
	to := base
	for n := 2; ; n++ {
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = fmt.Sprintf("%s-%d", base, n)
	}
	if err := os.Rename(path, to); err != nil {
		return "", err
	}
	return to, nil
}

// Job returns the recorded state of the job called name.
func (s StateStore) Job(name string) (JobState, error) {
	st, err := s.Load()
	if err != nil {
		return JobState{}, err
	}
	return st.Jobs[name], nil
}

// Record stores js as the state of the job called name, atomically and
// under the state lock, keeping other jobs' entries as they are on disk.
func (s StateStore) Record(name string, js JobState) error {
	lock, err := acquireLock(s.Path+".lock", true)
	if err != nil {
		return fmt.Errorf("lock state file: %w", err)
	}
	defer lock.Release()
	st, err := s.Load()
	if err != nil {
		return err
	}
	st.Jobs[name] = js
	return writeState(s.Path, st)
}

// ForConfig returns p with State set to the state file of the jobs of
// the config file at file: state.json for the default config (file is ""
// or p.Config), else state-HASH.json beside it (HASH from file's
// absolute path). Jobs of one name in two config files then never
// overwrite each other's last runs. The files beside the state file
// (verified.json, the watched folders' state) are shared by all configs.
func (p Paths) ForConfig(file string) Paths {
	if file == "" || p.State == "" {
		return p
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = filepath.Clean(file)
	}
	if def, err := filepath.Abs(p.Config); err == nil && def == abs {
		return p
	}
	sum := sha256.Sum256([]byte(abs))
	p.State = filepath.Join(filepath.Dir(p.State), "state-"+hex.EncodeToString(sum[:4])+".json")
	return p
}

// Paths are the files the scheduler uses, derived from the XDG base
// directory variables.
type Paths struct {
	Config string // config.toml
	State  string // state.json
	Locks  string // folder of per-job lock files
}

// DefaultPaths returns the standard locations, from config's one
// resolver (reading XDG_CONFIG_HOME, XDG_STATE_HOME, HOME, APPDATA and
// LOCALAPPDATA through getenv): config.toml in the config folder,
// state.json and locks/ in the state folder.
func DefaultPaths(getenv func(string) string) (Paths, error) {
	e := config.OSEnv(getenv)
	cfg, err := e.File()
	if err != nil {
		return Paths{}, err
	}
	state, err := e.StateDir()
	if err != nil {
		return Paths{}, err
	}
	return Paths{
		Config: cfg,
		State:  filepath.Join(state, "state.json"),
		Locks:  filepath.Join(state, "locks"),
	}, nil
}

// xdgDir returns $env when it is an absolute path, else $HOME/fallback.
func xdgDir(getenv func(string) string, env, fallback string) (string, error) {
	if d := getenv(env); filepath.IsAbs(d) {
		return d, nil
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", fmt.Errorf("cannot find the %s folder: neither %s nor HOME is set to an absolute path", fallback, env)
	}
	return filepath.Join(home, fallback), nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
)

// defaultDest is where backups go when neither --dest nor a saved default
// says otherwise, like the app's "Save to Downloads".
const defaultDest = "downloads"

// targetApps are the apps that restore our backups. The app refuses a
// backup whose README.txt names another app ("This backup was created in
// X and cannot be restored in Y"), so README.txt names the app the backup
// is for, not cakebackup.
func targetApps() []string { return []string{"Cake Wallet", "Monero.com"} }

// backupJob is one backup to make: what to back up, where, and how.
type backupJob struct {
	Source, Settings string // wallet data folder, optional settings JSON
	Dest             string // --dest spec
	Name             string // backup name; "" means the default timestamped name
	Password         string
	ForApp           string // the app that will restore it; "" means Cake Wallet
	// OnProgress, when set, is called with plaintext bytes consumed.
	OnProgress func(n int64)
	// OnCollected, when set, is called once the source is collected,
	// before anything is written.
	OnCollected func(src *backup.Source)
}

// backupResult is a made, stored and verified backup.
type backupResult struct {
	Entry   destinations.Entry
	Summary *backup.Summary
	Skipped []string // source entries that were not backed up, one line each
}

// defaultBackupName is the name a backup made at t gets.
func defaultBackupName(t time.Time) string {
	return "cake_wallet_backup_" + t.Format("2006-01-02_150405")
}

// makeBackup collects job's source, streams the encrypted backup to its
// destination and has the destination verify what it stored before
// publishing it. On failure nothing is left at the destination.
func (e *env) makeBackup(ctx context.Context, job backupJob) (*backupResult, error) {
	if job.Password == "" {
		return nil, errors.New("no backup password")
	}
	forApp := job.ForApp
	if forApp == "" {
		forApp = targetApps()[0]
	}
	if !slices.Contains(targetApps(), forApp) {
		return nil, usageError(fmt.Errorf("unknown app %q: backups can be made for %s", forApp, strings.Join(targetApps(), " or ")))
	}
	src, err := backup.Collect(ctx, job.Source, job.Settings)
	if err != nil {
		return nil, err
	}
	if job.OnCollected != nil {
		job.OnCollected(src)
	}
	dest, err := e.openDest(ctx, job.Dest)
	if err != nil {
		return nil, err
	}
	defer closeDest(dest)
	now := time.Now()
	name := job.Name
	if name == "" {
		name = defaultBackupName(now)
	}
	entry, sum, err := backup.Save(ctx, dest, name, src, backup.WriteOptions{
		Password:   job.Password,
		AppName:    forApp,
		AppVersion: appName + " " + version,
		Now:        now,
		OnProgress: job.OnProgress,
	})
	if err != nil {
		return nil, fmt.Errorf("backup to %s: %w", dest.Spec(), err)
	}
	return &backupResult{Entry: entry, Summary: sum, Skipped: src.Skipped}, nil
}

func createCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "create",
		Usage:     "make an encrypted backup of a wallet data folder",
		ArgsUsage: " ",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the wallet app's data `DIR` (default: Cake Wallet's, from $CAKE_WALLET_DIR or ~/Documents/cake_wallet on Linux)"},
			&cli.StringFlag{Name: "settings", Usage: "the app's settings JSON `FILE` (stored as ~_preferences_dump)"},
			&cli.StringFlag{Name: "dest", Aliases: []string{"d"}, Usage: "where to put it: downloads, folder:PATH, usb[:LABEL], proton:/PATH (`SPEC`)"},
			&cli.BoolFlag{Name: "pick", Usage: "choose the destination folder by browsing"},
			&cli.StringFlag{Name: "name", Usage: "backup file `NAME` (default cake_wallet_backup_YYYY-MM-DD_HHMMSS)"},
			&cli.StringFlag{Name: "for-app", Value: targetApps()[0], Usage: "the `APP` that will restore it: \"Cake Wallet\" or \"Monero.com\""},
			&cli.StringFlag{Name: "config", Usage: "config `FILE` holding a saved default destination"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress bar"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON result object"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("create takes no arguments, got %q (did you mean --source?)", c.Args().First()))
			}
			source, err := e.createSource(c)
			if err != nil {
				return err
			}
			if c.IsSet("dest") && c.Bool("pick") {
				return usageError(errors.New("use --dest or --pick, not both"))
			}
			if err := validName(c.String("name")); err != nil {
				return usageError(err)
			}
			spec, err := e.chosenDest(c)
			if err != nil {
				return err
			}
			pw, generated, err := e.createPassword(c)
			if err != nil {
				return err
			}
			bar := newProgress(e.stderr, c.Bool("quiet") || c.Bool("json"))
			res, err := e.makeBackup(c.Context, backupJob{
				Source:      source,
				Settings:    c.String("settings"),
				Dest:        spec,
				Name:        c.String("name"),
				Password:    pw,
				ForApp:      c.String("for-app"),
				OnProgress:  bar.add,
				OnCollected: func(src *backup.Source) { e.warnSkipped(src.Skipped); bar.start(src.TotalSize) },
			})
			bar.finish(err == nil)
			if err != nil {
				return backupExit(err)
			}
			return e.printCreated(c.Bool("json"), res, pw, generated)
		},
	}
}

// createSource is --source, or else Cake Wallet's own data folder when it
// is found; create says which folder it backs up.
func (e *env) createSource(c *cli.Context) (string, error) {
	if c.IsSet("source") {
		return c.String("source"), nil
	}
	dir, ok := e.cakeWalletDataDir()
	if !ok {
		if dir == "" {
			return "", usageError(errors.New("create needs --source DIR: the wallet app's data folder"))
		}
		return "", usageError(fmt.Errorf("create needs --source DIR: no Cake Wallet data found in %s", dir))
	}
	fmt.Fprintf(e.stderr, "Backing up Cake Wallet's data folder %s\n", dir)
	return dir, nil
}

// chosenDest is the --dest spec, a picked one, the saved default, or
// Downloads.
func (e *env) chosenDest(c *cli.Context) (string, error) {
	if c.IsSet("dest") {
		if _, err := destinations.ParseSpec(c.String("dest")); err != nil {
			return "", usageError(err)
		}
		return c.String("dest"), nil
	}
	if c.Bool("pick") {
		return e.pickDest(c.Context)
	}
	if saved, err := e.savedDefaultDest(c.String("config")); err != nil {
		return "", err
	} else if saved != "" {
		return saved, nil
	}
	return defaultDest, nil
}

// createPassword returns the password for a new backup: the user's own
// (with a warning that a generated one is better), or a freshly generated
// one, reported through generated so it is shown once.
func (e *env) createPassword(c *cli.Context) (pw string, generated bool, err error) {
	pw, source, err := e.readPassword(c)
	switch {
	case err == nil:
		fmt.Fprintf(e.stderr, "warning: using the password from %s; a generated password is recommended (omit the password options to get one)\n", source)
		if w := backup.PasswordStrengthWarning(pw); w != "" {
			fmt.Fprintf(e.stderr, "warning: %s\n", strings.TrimPrefix(w, "Warning: "))
		}
		return pw, false, nil
	case errors.Is(err, errNoPassword):
		pw, err = backup.GeneratePassword()
		if err != nil {
			return "", false, fmt.Errorf("generating a password: %w", err)
		}
		return pw, true, nil
	default:
		return "", false, err
	}
}

func (e *env) warnSkipped(skipped []string) {
	for _, s := range skipped {
		fmt.Fprintf(e.stderr, "warning: %s\n", s)
	}
}

// printCreated reports a stored backup: where it went and, when the
// password was generated, the password, once.
func (e *env) printCreated(asJSON bool, res *backupResult, pw string, generated bool) error {
	if asJSON {
		out := createdJSON{
			Location: res.Entry.Location,
			Name:     res.Entry.Name,
			Size:     res.Entry.Size,
			Chunks:   res.Summary.Chunks,
			SHA512:   res.Summary.SHA512,
			Verified: true,
			Skipped:  res.Skipped,
		}
		if generated {
			out.Password = pw
		}
		return writeJSON(e.stdout, out)
	}
	if generated {
		printPasswordNotice(e.stdout, pw)
	}
	fmt.Fprintf(e.stdout, "Backup saved and verified: %s (%s)\n", res.Entry.Location, humanBytes(res.Entry.Size))
	return nil
}

type createdJSON struct {
	Location string   `json:"location"`
	Name     string   `json:"name"`
	Size     int64    `json:"size"`
	Chunks   int      `json:"chunks"`
	SHA512   string   `json:"inner_sha512"`
	Verified bool     `json:"verified"`
	Skipped  []string `json:"skipped,omitempty"`
	// Password is set only when cakebackup generated it: this is the one
	// time it is shown.
	Password string `json:"generated_password,omitempty"`
}

// printPasswordNotice shows a generated password once, where the user
// cannot miss it.
func printPasswordNotice(w io.Writer, pw string) {
	fmt.Fprintf(w, `
==================== SAVE THIS PASSWORD ====================
Your backup is encrypted with this generated password:

    %s

Write it down or keep it in a password manager. It is shown
only now and stored nowhere: without it the backup cannot be
restored.
============================================================

`, pw)
}

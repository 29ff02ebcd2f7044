package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/stdout"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/secret"
)

// appVersion names this program in every backup it makes (cakeVersion, README.txt).
func appVersion() string { return appName + " " + version }

// jobErr gives job's errors their exit codes: a request that cannot work
// (job.BadRequest) is a usage error, a damaged backup exit 4.
func jobErr(err error) error {
	if job.BadRequest(err) {
		return usageError(err)
	}
	return backupExit(err)
}

func createCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "create",
		Usage: "make an encrypted backup of a wallet data folder",
		Description: "The backup is a cakebackup snapshot: it restores with `cakebackup restore` only, since the\n" +
			"app cannot import it (no third party can make the app-sealed keychain dump its import needs).\n" +
			"To move wallets to a new phone or desktop, export a backup from the app (Settings > Backup)\n" +
			"and ship it unchanged with `cakebackup send` or `cakebackup watch`.",
		ArgsUsage: " ",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the wallet app's data `DIR` (default: Cake Wallet's, from $CAKE_WALLET_DIR or ~/Documents/cake_wallet on Linux)"},
			&cli.StringFlag{Name: "settings", Usage: "the app's settings JSON `FILE` (stored as ~_preferences_dump)"},
			allowEmptyFlag(),
			destFlag(),
			&cli.BoolFlag{Name: "pick", Usage: "choose the destination folder by browsing"},
			&cli.StringFlag{Name: "name", Usage: "backup file `NAME` (default cake_wallet_backup_YYYY-MM-DD_HHMMSS)"},
			&cli.StringFlag{Name: "for-app", Value: job.TargetApps()[0], Usage: "the `APP` that will restore it: \"Cake Wallet\" or \"Monero.com\""},
			defaultDestConfigFlag(),
			&cli.BoolFlag{Name: "verify-full", Usage: "check every chunk's checksums in each stored copy too (the copy is always compared with what was written)"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON result object"},
			&cli.StringFlag{Name: "password-out", Usage: "save the generated password in `FILE` (created 0600; never overwritten)"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("create takes no arguments, got %q (did you mean --source?)", c.Args().First()))
			}
			source, err := e.createSource(c)
			if err != nil {
				return err
			}
			if err := settingsErr(job.CheckSettings(c.String("settings"))); err != nil {
				return err
			}
			if c.IsSet("dest") && c.Bool("pick") { // before --name, as ever
				return usageError(errors.New("use --dest or --pick, not both"))
			}
			if bad := (*job.BadNameError)(nil); errors.As(job.CheckName(c.String("name")), &bad) {
				return usageError(errors.New(bad.Of("--name")))
			}
			specs, err := e.chosenDests(c)
			if err != nil {
				return err
			}
			pw, shown, pwOut, err := e.createPassword(c)
			if err != nil {
				return err
			}
			bar := e.newProgress(c, "Backing up", "Verifying the stored copy...")
			defer bar.Finish(false) // when nothing was made; else done before the result
			b := job.Backup{Source: source, Settings: c.String("settings"), Dests: specs, Name: c.String("name"), Password: pw,
				ForApp: c.String("for-app"), AppVersion: appVersion(), VerifyFull: c.Bool("verify-full"),
				OnProgress: bar.Add, OnCollected: func(src *backup.Source) { bar.Start(src.TotalSize) },
				// Said at once, even with --quiet, like a warning: the run
				// waits, and the wallet app was saving meanwhile.
				OnRetry: func(attempt, of int, wait time.Duration, err error) {
					bar.Finish(false)
					fmt.Fprintln(e.stderr, job.RetryNote(attempt, of, wait, err))
				}}
			if e.tweakBackup != nil {
				e.tweakBackup(&b)
			}
			// One registry for the removals too: the stick chosen for "usb" is asked once.
			err = job.Create(c.Context, e.registry().Open, b, pwOut, func(made *job.Made) error {
				bar.Finish(made.Stores.Err() == nil)
				for _, s := range made.Skipped {
					e.notes.Warn("%s", s)
				}
				return e.printCreated(c.Bool("json"), made, shown, pwOut)
			})
			if lost := (*job.PasswordLostError)(nil); errors.As(err, &lost) {
				return &unshownPasswordError{lost}
			}
			return jobErr(err)
		},
	}
}

// printCreated prints made's result: the generated password pw, shown
// this once, or the file pwOut it was saved in, and where each copy stands;
// while pw is written, a reader of stdout that is gone fails the write.
func (e *env) printCreated(asJSON bool, made *job.Made, pw, pwOut string) error {
	showing := pw != "" && made.Saved()
	if showing {
		defer catchBrokenPipe()()
	}
	if !asJSON {
		return made.WriteCreated(e.stdout, pw, pwOut, e.quiet, restoreHint, message)
	}
	err := stdout.WriteJSON(e.stdout, made.Created(pw, message))
	if err != nil && showing {
		return &job.PasswordLostError{Err: stdout.Cause(err)}
	}
	return err
}

// createSource is --source, or else Cake Wallet's own data folder when it
// is found (create says which), checked (job.CheckSource, worded by sourceErr).
func (e *env) createSource(c *cli.Context) (string, error) {
	dir := c.String("source") // not empty when set: cliargs.Strict refuses an empty DIR (an unset "$DIR")
	if !c.IsSet("source") {
		var found bool
		dir, found = local.CakeWalletDataDir(e.getenv)
		switch {
		case dir == "":
			return "", usageError(errors.New("create needs --source DIR: the wallet app's data folder"))
		case !found:
			return "", usageError(fmt.Errorf("create needs --source DIR: no Cake Wallet data found in %s", dir))
		}
		e.notes.Note("Backing up Cake Wallet's data folder %s", dir)
	}
	return dir, sourceErr(job.CheckSource(dir, c.Bool("allow-empty")))
}

// destFlag is --dest, which may repeat: the backup goes to each.
func destFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "dest", Aliases: []string{"d"}, Usage: "where to put it: downloads, folder:PATH, usb[:LABEL], proton:/PATH; repeat for several (`SPEC`)"}
}

// chosenDests are the --dest specs, checked, a picked one (--pick, which
// create alone has), the saved default, or Downloads.
func (e *env) chosenDests(c *cli.Context) ([]string, error) {
	switch {
	case c.IsSet("dest"):
		for _, s := range c.StringSlice("dest") {
			if _, err := destinations.ParseSpec(s); err != nil {
				return nil, usageError(err)
			}
		}
		return c.StringSlice("dest"), nil
	case c.Bool("pick"):
		spec, err := e.pick(c.Context, false, "give --dest SPEC instead of --pick (see `cakebackup dests`)")
		return []string{spec}, err
	}
	dest, err := e.defaultDest(c)
	return []string{dest}, err
}

// createPassword returns the new backup's password: the person's own, or a
// generated one kept (secret.KeepGenerated) in the file pwOut or in shown.
func (e *env) createPassword(c *cli.Context) (pw, shown, pwOut string, err error) {
	src := e.passwordSources(c)
	src.Generate = backup.GeneratePassword
	pw, source, err := src.Read(c.Context)
	if err != nil {
		return "", "", "", passwordErr(err)
	}
	generated := source == secret.Generated
	if !generated {
		if secret.IsTerminal(e.stderr) { // advice for a person at a terminal, not for logs
			e.notes.Note("note: using the password from %s; a generated password is recommended (omit the password options to get one)", source)
		}
		e.warnWeakPassword(pw)
	}
	pwOut = c.String("password-out")
	err = secret.KeepGenerated(pw, generated, pwOut, c.Bool("json") || secret.IsTerminal(e.stdout))
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, secret.ErrNotGenerated):
		err = errors.New("--password-out saves a generated password: leave out --password-file, --password-stdin and $" + passwordEnv + " to get one")
	case errors.Is(err, secret.ErrNotShown):
		err = fmt.Errorf("%w: add --password-out FILE to save it in a file, or --json to get it in the result", err)
	case errors.Is(err, fs.ErrExist):
		err = fmt.Errorf("--password-out %s already exists; it is never overwritten: give a new file name", pwOut)
	case errors.As(err, &pathErr) && pathErr.Op == "open":
		err = fmt.Errorf("--password-out %s: %w", pwOut, pathErr.Err)
	case err != nil:
		return "", "", "", err
	case generated && (pwOut == "" || c.Bool("json")):
		return pw, pw, pwOut, nil
	default:
		return pw, "", pwOut, nil
	}
	return "", "", "", usageError(err)
}

// allowEmptyFlag lets create and schedule add back up a folder of no wallets.
func allowEmptyFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-empty", Usage: "back up a --source that holds no wallet files"}
}

// sourceErr words job.CheckSource's refusals as usage errors naming the
// flags that fix them.
func sourceErr(err error) error {
	notThere, isSource := errors.AsType[*job.SourceError](err)
	notData, isData := errors.AsType[*backup.DataFolderError](err)
	switch {
	case isSource && notThere.NotFolder:
		return usageError(fmt.Errorf("--source %w: give the wallet app's data folder", err))
	case isSource:
		return usageError(fmt.Errorf("--source %w", err))
	case isData && notData.DataDir != "":
		return usageError(fmt.Errorf("%w: use --source %s", err, notData.DataDir))
	case isData:
		return usageError(fmt.Errorf("%w: give --source the app's data folder (the one holding wallets/), or add --allow-empty to back it up anyway", err))
	}
	return err
}

// settingsErr words job.CheckSettings's error err for --settings.
func settingsErr(err error) error {
	switch {
	case errors.As(err, new(*job.SettingsError)):
		return usageError(fmt.Errorf("--settings %w: give the settings file the app exported, or leave --settings out", err))
	case err != nil:
		return usageError(fmt.Errorf("--settings: %w", err))
	}
	return nil
}

// unshownPasswordError is create's *job.PasswordLostError, worded with the
// fixes; run prefers it to a failed stdout, as it says more.
type unshownPasswordError struct{ *job.PasswordLostError }

func (e *unshownPasswordError) Error() string {
	return e.Text(message) + "; run create again (--password-out FILE keeps the password in a file)"
}

// catchBrokenPipe makes a write on stdout whose reader is gone fail with
// EPIPE, not end the process by SIGPIPE, until release: create must learn
// that a generated password was not shown (cakebackup create --json | true).
// Other writes die by SIGPIPE, the quiet end `cakebackup ls | head -1` wants.
func catchBrokenPipe() (release func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGPIPE)
	return func() { signal.Stop(c) }
}

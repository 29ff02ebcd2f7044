package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/secret"
)

// protonPasswordEnv is the environment variable a script can give the
// Proton account password in.
const protonPasswordEnv = "CAKEBACKUP_PROTON_PASSWORD"

// protonCommand is `cakebackup proton login|logout|whoami`: it manages the
// cached Proton session that proton:/PATH destinations use.
func protonCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "proton",
		Usage: "log in to Proton Drive, log out, or show who is logged in",
		Subcommands: []*cli.Command{
			protonLoginCommand(e),
			protonLogoutCommand(e),
			protonWhoamiCommand(e),
		},
	}
}

// protonAppVersionFlag is the global --proton-app-version, for when
// Proton changes which client versions it accepts before cakebackup is
// updated.
func protonAppVersionFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "proton-app-version",
		Usage: "identify to Proton as `VERSION` (x-pm-appversion; default: $" + proton.AppVersionEnv + ", else " + proton.AppVersion(version) + ")",
	}
}

// useProtonAppVersion runs before every command: the proton package,
// which reads its settings from the environment, sees the app version
// proton.ChosenAppVersion picks, --proton-app-version first.
func (e *env) useProtonAppVersion(c *cli.Context) error {
	v := proton.ChosenAppVersion(c.String("proton-app-version"), e.getenv, version)
	getenv := e.getenv
	e.getenv = func(k string) string {
		if k == proton.AppVersionEnv {
			return v
		}
		return getenv(k)
	}
	return nil
}

// protonURLFlag is --proton-url, on each subcommand so it can follow it.
func protonURLFlag() cli.Flag {
	return &cli.StringFlag{Name: "proton-url", Usage: "Proton API base `URL` (default: $" + proton.URLEnv + ", else Proton's own)"}
}

// protonOptions returns the API options: --proton-url, else the
// environment.
func (e *env) protonOptions(c *cli.Context) (proton.Options, error) {
	opts, err := proton.OptionsFromEnv(e.getenv)
	if err != nil {
		return proton.Options{}, usageError(err)
	}
	if u := c.String("proton-url"); u != "" {
		opts.APIURL = u
		if err := opts.Check(); err != nil {
			return proton.Options{}, usageError(fmt.Errorf("--proton-url: %w", err))
		}
	}
	return opts, nil
}

func protonLoginCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "log in to Proton and keep the session, so backups need no password",
		Description: "Asks for the username, the password (hidden), and the two-factor code and mailbox password\n" +
			"when the account needs them. Scripts give them with the flags below or $" + protonPasswordEnv + ";\n" +
			"without a terminal, answers are read from standard input, one per line, in that order.\n" +
			"The session is kept in the OS keyring, or in a 0600 file under the config directory.",
		Flags: []cli.Flag{
			protonURLFlag(),
			&cli.StringFlag{Name: "proton-user", Usage: "Proton `USERNAME` or email address"},
			&cli.StringFlag{Name: "proton-password-file", Usage: "read the Proton password from the first line of `FILE`"},
			&cli.StringFlag{Name: "proton-2fa", Usage: "current two-factor `CODE`, for accounts with 2FA"},
			&cli.StringFlag{Name: "proton-mailbox-password-file", Usage: "read the mailbox password of a two-password account from `FILE`"},
		},
		Action: func(c *cli.Context) error {
			opts, err := e.protonOptions(c)
			if err != nil {
				return err
			}
			store := proton.NewSessionStore(e.getenv, e.keyring)
			session, err := proton.LoginAndKeep(c.Context, opts, proton.LoginGiven{
				Username:            c.String("proton-user"),
				TwoFactorCode:       c.String("proton-2fa"),
				Password:            e.getenv(protonPasswordEnv),
				PasswordFile:        c.String("proton-password-file"),
				MailboxPasswordFile: c.String("proton-mailbox-password-file"),
			}, secret.NewPrompter(e.stdin, e.stderr), store)
			if err != nil {
				return protonAnswerErr(err)
			}
			fmt.Fprintln(e.stdout, session.LoggedInLine(store.Where()))
			return nil
		},
	}
}

func protonLogoutCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "logout",
		Usage: "end the Proton session at Proton and forget it here",
		Flags: []cli.Flag{protonURLFlag()},
		Action: func(c *cli.Context) error {
			opts, err := e.protonOptions(c)
			if err != nil {
				return err
			}
			err = proton.Logout(c.Context, opts, proton.NewSessionStore(e.getenv, e.keyring))
			if errors.Is(err, proton.ErrNotLoggedIn) {
				fmt.Fprintln(e.stdout, "Not logged in to Proton.")
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "Logged out of Proton.")
			return nil
		},
	}
}

func protonWhoamiCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "whoami",
		Usage: "show which Proton account backups go to, and whether its session still works",
		Flags: []cli.Flag{protonURLFlag()},
		Action: func(c *cli.Context) error {
			opts, err := e.protonOptions(c)
			if err != nil {
				return err
			}
			store := proton.NewSessionStore(e.getenv, e.keyring)
			d, err := proton.Connect(c.Context, opts, store)
			if err != nil {
				return err
			}
			defer d.Close(c.Context)
			a, err := d.Account(c.Context)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, a.WhoamiLine(store.Where()))
			// Asking for the account may have renewed the session: the
			// cache has the latest times.
			if s, err := store.Load(c.Context); err == nil {
				fmt.Fprintln(e.stdout, s.TimesLine())
			}
			return d.SaveError()
		},
	}
}

// protonAnswerErr makes a login question nobody answered, or a password
// file that could not be read, a usage error naming the flag that gives
// the answer.
func protonAnswerErr(err error) error {
	var unanswered *proton.AnswerError
	var unread *proton.FileError
	switch {
	case errors.As(err, &unread) && unread.Question == proton.AskMailboxPassword:
		return usageError(fmt.Errorf("--proton-mailbox-password-file: %w", unread.Err))
	case errors.As(err, &unread):
		return usageError(fmt.Errorf("--proton-password-file: %w", unread.Err))
	case !errors.As(err, &unanswered):
		return err
	}
	if unanswered.Empty {
		return usageError(err)
	}
	flag := map[proton.Question]string{
		proton.AskUsername:        "--proton-user",
		proton.AskPassword:        "--proton-password-file or $" + protonPasswordEnv,
		proton.AskTwoFactorCode:   "--proton-2fa",
		proton.AskMailboxPassword: "--proton-mailbox-password-file",
	}[unanswered.Question]
	return usageError(fmt.Errorf("%w: give it with %s", err, flag))
}

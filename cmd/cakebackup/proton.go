package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
			ask := proton.PromptAsker{P: secret.NewPrompter(e.stdin, e.stderr)}
			cred := proton.Credentials{Username: strings.TrimSpace(c.String("proton-user")), TwoFactorCode: strings.TrimSpace(c.String("proton-2fa"))}
			if cred.Username == "" {
				if cred.Username, err = ask.Ask(c.Context, proton.AskUsername); err != nil {
					return protonAnswerErr(err)
				}
			}
			if cred.Password, err = e.protonPassword(c, ask); err != nil {
				return err
			}
			if f := c.String("proton-mailbox-password-file"); f != "" {
				if cred.MailboxPassword, err = secret.ReadFile(f); err != nil {
					return usageError(fmt.Errorf("--proton-mailbox-password-file: %w", err))
				}
			}
			login := func(ctx context.Context, cred proton.Credentials) (proton.Session, error) {
				return proton.Login(ctx, opts, cred)
			}
			session, err := proton.LoginAsking(c.Context, login, cred, ask)
			if err != nil {
				return protonAnswerErr(err)
			}
			store := proton.NewSessionStore(e.getenv)
			if err := proton.Keep(c.Context, store, session); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Logged in to Proton Drive as %s; the session is kept in %s.\n", session.Username, store.Where())
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
			err = proton.Logout(c.Context, opts, proton.NewSessionStore(e.getenv))
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
			store := proton.NewSessionStore(e.getenv)
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

// protonPassword returns the Proton password from
// --proton-password-file, from $CAKEBACKUP_PROTON_PASSWORD, or from ask,
// in that order.
func (e *env) protonPassword(c *cli.Context, ask proton.PromptAsker) (string, error) {
	if f := c.String("proton-password-file"); f != "" {
		s, err := secret.ReadFile(f)
		if err != nil {
			return "", usageError(fmt.Errorf("--proton-password-file: %w", err))
		}
		return s, nil
	}
	if s := e.getenv(protonPasswordEnv); s != "" {
		return s, nil
	}
	s, err := ask.Ask(c.Context, proton.AskPassword)
	return s, protonAnswerErr(err)
}

// protonAnswerErr makes a login question nobody answered a usage error,
// naming the flag that gives the answer.
func protonAnswerErr(err error) error {
	var unanswered *proton.AnswerError
	if !errors.As(err, &unanswered) {
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

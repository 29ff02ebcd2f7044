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

// protonPasswordEnv is where a script can give the Proton password.
const protonPasswordEnv = "CAKEBACKUP_PROTON_PASSWORD"

// protonCommand is `cakebackup proton login|logout|whoami`: it manages the
// cached Proton session that proton:/PATH destinations use.
func protonCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "proton",
		Usage: "log in to Proton Drive, log out, or show who is logged in",
		Subcommands: []*cli.Command{{
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
				given := proton.LoginGiven{
					Username:            c.String("proton-user"),
					TwoFactorCode:       c.String("proton-2fa"),
					Password:            e.getenv(protonPasswordEnv),
					PasswordFile:        c.String("proton-password-file"),
					MailboxPasswordFile: c.String("proton-mailbox-password-file"),
				}
				return e.protonAction(func(ctx context.Context, opts proton.Options, store proton.SessionStore) ([]string, error) {
					return proton.LoginLines(ctx, opts, given, secret.NewPrompter(e.stdin, e.stderr), store)
				})(c)
			},
		}, {
			Name:   "logout",
			Usage:  "end the Proton session at Proton and forget it here",
			Flags:  []cli.Flag{protonURLFlag()},
			Action: e.protonAction(proton.LogoutLines),
		}, {
			Name:   "whoami",
			Usage:  "show which Proton account backups go to, and whether its session still works",
			Flags:  []cli.Flag{protonURLFlag()},
			Action: e.protonAction(proton.WhoamiLines),
		}},
	}
}

// protonURLFlag is --proton-url, on each subcommand so it can follow it.
func protonURLFlag() cli.Flag {
	return &cli.StringFlag{Name: "proton-url", Usage: "Proton API base `URL` (default: $" + proton.URLEnv + ", else Proton's own)"}
}

// protonAction is a proton subcommand's action: do gets the API options
// and the session store; its lines are printed, even with its error
// (worded by protonAnswerErr: only login asks questions).
func (e *env) protonAction(do func(context.Context, proton.Options, proton.SessionStore) ([]string, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		opts, err := proton.OptionsGiven(e.getenv, c.String("proton-url"))
		if errors.As(err, new(*proton.GivenURLError)) {
			err = fmt.Errorf("--proton-url: %w", err)
		}
		if err != nil {
			return usageError(err)
		}
		lines, err := do(c.Context, opts, proton.NewSessionStore(e.getenv, e.keyring))
		for _, line := range lines {
			fmt.Fprintln(e.stdout, line)
		}
		return protonAnswerErr(err)
	}
}

// protonAnswerErr makes a login question nobody answered, or a password
// file not read, a usage error naming the flags that give the answer.
func protonAnswerErr(err error) error {
	given := map[proton.Question][]string{
		proton.AskUsername:        {"--proton-user"},
		proton.AskPassword:        {"--proton-password-file", "$" + protonPasswordEnv},
		proton.AskTwoFactorCode:   {"--proton-2fa"},
		proton.AskMailboxPassword: {"--proton-mailbox-password-file"},
	}
	var unanswered *proton.AnswerError
	var unread *proton.FileError
	switch {
	case errors.As(err, &unread):
		return usageError(fmt.Errorf("%s: %w", given[unread.Question][0], unread.Err))
	case errors.As(err, &unanswered) && unanswered.Empty:
		return usageError(err)
	case errors.As(err, &unanswered):
		return usageError(fmt.Errorf("%w: give it with %s", err, strings.Join(given[unanswered.Question], " or ")))
	}
	return err
}

package cliargs

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// Completion is the action of an app's `APP completion SHELL`, printing
// on w the shell's completion script: bash and zsh the app's own scripts
// given, fish one urfave/cli makes from the command tree.
func Completion(w io.Writer, bash, zsh string) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() != 1 {
			return usageError(errors.New("completion needs one shell: bash, zsh or fish"))
		}
		shell := c.Args().First()
		script, ok := map[string]string{"bash": bash, "zsh": zsh, "fish": ""}[shell]
		if !ok {
			return usageError(fmt.Errorf("no completion for %q%s: choose bash, zsh or fish",
				shell, didyoumean.Hint(shell, []string{"bash", "zsh", "fish"})))
		}
		var err error
		if shell == "fish" {
			if script, err = shownApp(c).ToFishCompletion(); err != nil {
				return fmt.Errorf("making the fish completion: %w", err)
			}
		}
		_, err = io.WriteString(w, script)
		return err
	}
}

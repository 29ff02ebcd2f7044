package secret

import (
	"slices"
	"strings"
)

// EnvVars returns the names of the environment variables cakebackup
// reads secrets from. They are set for cakebackup alone: ScrubEnv keeps
// them from every program it starts.
func EnvVars() []string { return []string{"CAKEBACKUP_PASSWORD", "CAKEBACKUP_PROTON_PASSWORD"} }

// ScrubEnv returns env ("KEY=value" entries, as os.Environ gives them)
// without the variables that may hold a secret, for a child process such
// as a folder chooser or an editor.
func ScrubEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		key, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(EnvVars(), key) {
			out = append(out, kv)
		}
	}
	return out
}

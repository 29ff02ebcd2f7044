package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/cliargs"
)

// TestDocsLinksStayInRepository checks that every relative link in the
// README and docs/ names a file of the repository, so a fresh clone has no
// broken link and nothing points outside it.
func TestDocsLinksStayInRepository(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, filepath.Join(root, "README.md"))
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			p := filepath.Join(filepath.Dir(doc), filepath.FromSlash(target))
			if rel, err := filepath.Rel(root, p); err != nil || !filepath.IsLocal(rel) {
				t.Errorf("%s links %s, outside the repository", filepath.Base(doc), m[1])
				continue
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s links %s, which does not exist", filepath.Base(doc), m[1])
			}
		}
	}
	for _, f := range []string{"LICENSE", "docs/FORMAT.md"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the repository has no %s", f)
		}
	}
}

// TestReadmeJSONExamplesNameEveryKey: README's one-line --json example
// of a command shows every top-level key the command prints.
func TestReadmeJSONExamplesNameEveryKey(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	file, _ := sampleBackup(t)
	dir := filepath.Dir(file)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		example string // how README's example line starts
		args    []string
	}{
		{"cakebackup check DEST --json", []string{"check", "folder:" + dir, "--json"}},
		{"cakebackup ls --json", []string{"ls", "folder:" + dir, "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			t.Parallel()
			example := readmeExample(string(readme), tt.example)
			if example == "" {
				t.Fatalf("README has no example starting %q", tt.example)
			}
			c := newCLI(t)
			var got map[string]any
			if err := json.Unmarshal([]byte(c.mustRun(tt.args...)), &got); err != nil {
				t.Fatal(err)
			}
			for k := range got {
				if !strings.Contains(example, `"`+k+`":`) {
					t.Errorf("README's example lacks %q:\n%s", k, example)
				}
			}
		})
	}
}

// readmeExample is the example line of README that starts with start,
// with the comment lines that continue it.
func readmeExample(readme, start string) string {
	var b strings.Builder
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, start):
			b.WriteString(line + "\n")
		case b.Len() > 0 && strings.HasPrefix(strings.TrimSpace(line), "#"):
			b.WriteString(line + "\n")
		case b.Len() > 0:
			return b.String()
		}
	}
	return b.String()
}

// TestReadmeCommandsUseRealFlags: every cakebackup command line in the
// sh blocks of README and proton/README.md names commands that exist and
// flags those commands (or the global options) take, so a reader who
// copies one gets no "unknown flag".
func TestReadmeCommandsUseRealFlags(t *testing.T) {
	t.Parallel()
	var lines []string
	for _, doc := range []string{"README.md", "proton/README.md"} {
		b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(doc)))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, readmeShellLines(string(b))...)
	}
	app := newApp(&env{getenv: func(string) string { return "" }})
	checked := 0
	for _, line := range lines {
		words := shellWords(line)
		i := 0
		// The program: cakebackup, or go run ./cmd/cakebackup (not go
		// test ./cmd/cakebackup).
		for i < len(words) && words[i] != "cakebackup" && (words[i] != "./cmd/cakebackup" || i < 2 || words[i-2] != "go" || words[i-1] != "run") {
			i++
		}
		if i == len(words) {
			continue
		}
		checked++
		flags := append([]cli.Flag{}, app.Flags...)
		cmds := app.Commands
		path := "cakebackup"
		sawArg := false
		for _, w := range words[i+1:] {
			w = strings.Trim(w, "[]")
			switch {
			case w == "|" || w == "&" || w == ">" || w == "<":
				// The rest is another program.
			case strings.HasPrefix(w, "-") && len(w) > 1:
				name := strings.TrimLeft(w, "-")
				name, _, _ = strings.Cut(name, "=")
				if !hasFlag(flags, name) {
					t.Errorf("README: %q: %s has no flag %s", line, path, w)
				}
				continue
			default:
				if sawArg {
					continue
				}
				if c := cliargs.FindCommand(cmds, w); c != nil {
					path += " " + w
					flags = append(flags, c.Flags...)
					cmds = c.Subcommands
					continue
				}
				if len(cmds) > 0 && w == strings.ToLower(w) && !strings.ContainsAny(w, "/.~$:") {
					t.Errorf("README: %q: %s has no command %s", line, path, w)
				}
				sawArg = true
				continue
			}
			break
		}
	}
	if checked < 40 {
		t.Fatalf("checked only %d README command lines; the parser missed the sh blocks", checked)
	}
}

// readmeShellLines returns the command lines of README's sh blocks, their
// comments cut off and continuation lines joined.
func readmeShellLines(readme string) []string {
	var out []string
	in, cont := false, ""
	for _, l := range strings.Split(readme, "\n") {
		if strings.HasPrefix(l, "```") {
			in = strings.TrimPrefix(l, "```") == "sh"
			continue
		}
		if !in {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cont += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		l, cont = cont+l, ""
		if i := strings.Index(l, " # "); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// shellWords splits a command line into words as sh would, quotes
// grouping and removed; an unquoted # starts a comment.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// hasFlag reports whether one of flags is named or aliased name.
func hasFlag(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// TestReadmeLayoutNamesEveryPackage: README's layout table has a row for
// every package of the repository, and each row names a folder that is
// there.
func TestReadmeLayoutNamesEveryPackage(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "\n## Layout\n")
	if !ok {
		t.Fatal("README has no ## Layout section")
	}
	layout, _, _ = strings.Cut(layout, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|")
	rows := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(layout, -1) {
		rows[m[1]] = true
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(m[1]))); err != nil {
			t.Errorf("README's layout names %s, which is not in the repository", m[1])
		}
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); rel != "." && !rows[rel] {
			t.Errorf("README's layout has no row for package %s", rel)
			rows[rel] = true // once
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHelpNeverSaysTheAppImportsASnapshot: create's help says that what it
// makes, a cakebackup snapshot, cannot be imported by the app, and no help
// text of any command says the app can import something (only an export
// the app made itself, which send and inspect tell from its contents).
func TestHelpNeverSaysTheAppImportsASnapshot(t *testing.T) {
	t.Parallel()
	app := newApp(&env{getenv: func(string) string { return "" }})
	claim := regexp.MustCompile(`(?i)\b(app can import|importable|can be imported|app imports|app will import)\b`)
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := path + " " + c.Name
			texts := []string{c.Usage, c.Description, c.UsageText}
			for _, f := range c.Flags {
				if u, ok := f.(interface{ GetUsage() string }); ok {
					texts = append(texts, u.GetUsage())
				}
			}
			for _, s := range texts {
				if m := claim.FindString(s); m != "" {
					t.Errorf("%s: help says %q: %q", p, m, s)
				}
			}
			walk(p, c.Subcommands)
		}
	}
	walk("cakebackup", app.Commands)

	c := newCLI(t)
	if code := c.run("help", "create"); code != exitOK {
		t.Fatalf("help create: exit %d, stderr %q", code, c.stderr.String())
	}
	help := strings.Join(strings.Fields(c.stdout.String()), " ")
	for _, want := range []string{"cakebackup snapshot", "app cannot import it", "cakebackup restore", "cakebackup send"} {
		if !strings.Contains(help, want) {
			t.Errorf("help create does not say %q:\n%s", want, c.stdout.String())
		}
	}
}

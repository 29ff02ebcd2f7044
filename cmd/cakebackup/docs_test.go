package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

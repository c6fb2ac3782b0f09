package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeMaxLines keeps README.md a one-sitting read; the references live in docs/.
const readmeMaxLines = 250

func TestREADMEFitsOneRead(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	require.NoError(t, err)
	lines := strings.Count(string(b), "\n")
	require.LessOrEqual(t, lines, readmeMaxLines,
		"README.md has %d lines; move detail into docs/ and link it", lines)
}

// docFiles are README.md and every Markdown file under docs/.
func docFiles(t testing.TB) []string {
	t.Helper()
	root := repoRoot(t)
	files := []string{filepath.Join(root, "README.md")}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, more, "docs/*.md")
	return append(files, more...)
}

var (
	varName    = regexp.MustCompile("`([A-Z0-9_]+)`")
	mdLink     = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	codeSpan   = regexp.MustCompile("`[^`\n]*`")
	mdHeading  = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	externalRe = regexp.MustCompile(`^[a-z][a-z0-9+.-]*:`)
)

// prose returns a Markdown file's lines with fenced code blocks blanked, so
// that links and headings in examples are not read. Code spans keep their
// text when keepCode is set (GitHub's heading anchors include it) and are
// blanked otherwise.
func prose(text string, keepCode bool) []string {
	var out []string
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			out = append(out, "")
			continue
		}
		if fenced {
			out = append(out, "")
			continue
		}
		out = append(out, codeSpan.ReplaceAllStringFunc(line, func(s string) string {
			if keepCode {
				return strings.Trim(s, "`")
			}
			return ""
		}))
	}
	return out
}

// slug is GitHub's anchor for a heading: lower case, punctuation dropped
// (letters, digits, '-' and '_' kept), spaces as '-'.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors are the heading anchors of a Markdown file, with GitHub's -1, -2
// suffixes for repeated headings.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, line := range prose(text, true) {
		m := mdHeading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			out[s+"-"+strconv.Itoa(n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

func TestSlugMatchesGitHub(t *testing.T) {
	for heading, want := range map[string]string{
		"Deployer checklist":                                    "deployer-checklist",
		"Caller authentication (AUTH_*)":                        "caller-authentication-auth_",
		"The key policy, and why it cannot be escaped":          "the-key-policy-and-why-it-cannot-be-escaped",
		"Tencent SCF, event function (runtime Go1, scf-go-lib)": "tencent-scf-event-function-runtime-go1-scf-go-lib",
	} {
		require.Equal(t, want, slug(heading), heading)
	}
	require.True(t, anchors("# A\n## B\n```\n# not a heading\n```\n## B\n")["b-1"])
	require.False(t, anchors("```\n# not a heading\n```\n")["not-a-heading"])
}

// TestDocLinksResolve: every relative link in README.md and docs/*.md names a
// file of the repository, and its #anchor a heading of that file.
func TestDocLinksResolve(t *testing.T) {
	root := repoRoot(t)
	checked := 0
	for _, file := range docFiles(t) {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, file)
		for n, line := range prose(string(b), false) {
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if externalRe.MatchString(target) {
					continue
				}
				where := rel + ":" + strconv.Itoa(n+1) + ": " + target
				path, anchor, _ := strings.Cut(target, "#")
				dest := file
				if path != "" {
					dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
					inside, err := filepath.Rel(root, dest)
					require.NoError(t, err)
					require.False(t, strings.HasPrefix(inside, ".."), "%s: points outside the repository", where)
					_, err = os.Stat(dest)
					require.NoError(t, err, "%s: no such file", where)
				}
				if anchor != "" {
					require.True(t, strings.HasSuffix(dest, ".md"), "%s: an anchor into a file that is not Markdown", where)
					text, err := os.ReadFile(dest)
					require.NoError(t, err)
					require.True(t, anchors(string(text))[anchor], "%s: no heading with that anchor", where)
				}
				checked++
			}
		}
	}
	require.Greater(t, checked, 10, "the link scan found almost no links")
}

// TestConfigurationDocumentsEveryVariable: docs/configuration.md names every
// variable the code reads, and its tables list no variable the code does not read.
func TestConfigurationDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "configuration.md"))
	require.NoError(t, err)
	text := string(b)
	code := codeVars(t)
	for _, v := range code {
		require.True(t, strings.Contains(text, "`"+v+"`"), "docs/configuration.md does not document %s", v)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range varName.FindAllStringSubmatch(first, -1) {
			if configVar.MatchString(m[1]) {
				documented[m[1]] = true
			}
		}
	}
	require.NotEmpty(t, documented)
	for v := range documented {
		require.Contains(t, code, v, "docs/configuration.md documents %s, which the code does not read", v)
	}
}

// TestConfigurationDocumentsEachVariableOnce: two rows for one variable
// drift apart (they once disagreed about STS_ENDPOINT).
func TestConfigurationDocumentsEachVariableOnce(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "configuration.md"))
	require.NoError(t, err)
	rows := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range varName.FindAllStringSubmatch(strings.Split(line, "|")[1], -1) {
			rows[m[1]]++
		}
	}
	require.NotEmpty(t, rows)
	for v, n := range rows {
		require.Equal(t, 1, n, "docs/configuration.md has %d rows for %s", n, v)
	}
}

// TestREADMEQuickStartWorksAsWritten: what a newcomer runs from the README
// works as it reads: make run holds its terminal (so the tests and curls
// go in a second one), every file a command uploads is created first, and
// make invoke is shown with an event that exists.
func TestREADMEQuickStartWorksAsWritten(t *testing.T) {
	readme := readFile(t, "README.md")
	run := regexp.MustCompile(`(?m)^make run\b.*$`).FindString(readme)
	require.NotEmpty(t, run, "README shows make run")
	assert.Contains(t, run, "keeps this terminal")
	assert.Regexp(t, `(?m)^make test\b.*second terminal`, readme)

	invoke := regexp.MustCompile(`(?m)^make invoke EVENT=(\S+)`).FindStringSubmatch(readme)
	require.NotNil(t, invoke, "README shows make invoke")
	_, err := os.Stat(filepath.Join(repoRoot(t), invoke[1]))
	assert.NoError(t, err, "make invoke's event %s", invoke[1])

	uploads := regexp.MustCompile(`--data-binary @(\S+)`).FindAllStringSubmatchIndex(readme, -1)
	require.NotEmpty(t, uploads, "README uploads a file")
	for _, m := range uploads {
		file := readme[m[2]:m[3]]
		before := readme[:m[0]]
		assert.Regexp(t, `>\s*`+regexp.QuoteMeta(file)+`\b`, before[max(0, len(before)-400):], "README uploads %s without creating it first", file)
	}
}
